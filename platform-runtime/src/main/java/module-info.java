/** The pipeline compiler and engine. */
module io.tributary.runtime {
  requires transitive io.tributary.api;
  requires transitive micrometer.core;
  requires org.slf4j;
  requires org.pf4j;

  exports io.tributary.runtime;
  exports io.tributary.runtime.plugins;

  uses io.tributary.api.ProcessorFactory;
}
