/** The pipeline compiler and engine. */
module io.tributary.runtime {
  requires transitive io.tributary.api;
  requires transitive micrometer.core;
  requires org.slf4j;

  exports io.tributary.runtime;

  uses io.tributary.api.ProcessorFactory;
}
