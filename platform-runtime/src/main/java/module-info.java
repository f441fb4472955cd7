/** The pipeline compiler and engine. */
module io.tributary.runtime {
  requires transitive io.tributary.api;
  requires transitive micrometer.core;
  requires org.slf4j;
  requires org.pf4j;
  // Semantic versions, one rule for the whole product (the library PF4J brings).
  requires com.github.zafarkhaja.semver;

  exports io.tributary.runtime;
  exports io.tributary.runtime.plugins;

  uses io.tributary.api.ProcessorFactory;
}
