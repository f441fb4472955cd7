/**
 * The Tributary plugin test kit: a plugin's own tests check its processors as the host will.
 * See {@link io.tributary.testkit.ProcessorTester}.
 */
module io.tributary.testkit {
  requires transitive io.tributary.api;
  requires io.tributary.runtime;

  exports io.tributary.testkit;
}
