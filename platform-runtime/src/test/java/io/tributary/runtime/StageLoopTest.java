package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import org.junit.jupiter.api.Test;

/** Each processor class gets its own hidden copy of the stage loop, made once and reused. */
class StageLoopTest {

  static final class Upper implements Processor {
    @Override
    public void process(Item item) {
      item.name(item.name().toUpperCase(java.util.Locale.ROOT));
    }
  }

  static final class Lower implements Processor {
    @Override
    public void process(Item item) {
      item.name(item.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  @Test
  void every_processor_class_has_its_own_hidden_loop_and_keeps_it() {
    StageLoop upper = StageLoop.forProcessor(Upper.class);
    StageLoop lower = StageLoop.forProcessor(Lower.class);
    assertThat(upper.getClass().isHidden()).isTrue();
    assertThat(lower.getClass().isHidden()).isTrue();
    assertThat(upper.getClass()).isNotSameAs(lower.getClass());
    assertThat(upper.getClass().getSuperclass()).isSameAs(StageLoop.class);
    assertThat(StageLoop.forProcessor(Upper.class)).isSameAs(upper);
  }
}
