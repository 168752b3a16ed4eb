package xpf.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShardTest {
    @Test
    void shardsPartitionTheRangeExactly() {
        for (long total : new long[] {0, 1, 7, 19_169_280L, Long.MAX_VALUE / 3}) {
            for (int n = 1; n <= 9; n++) {
                long expectFrom = 0;
                for (int i = 0; i < n; i++) {
                    Shard s = new Shard(i, n);
                    assertThat(s.from(total)).isEqualTo(expectFrom);
                    assertThat(s.to(total)).isGreaterThanOrEqualTo(s.from(total));
                    expectFrom = s.to(total);
                }
                assertThat(expectFrom).isEqualTo(total);
            }
        }
    }

    @Test
    void roundRobinOwnershipCoversEveryItemOnce() {
        for (int i = 0; i < 100; i++) {
            int owners = 0;
            for (int k = 0; k < 4; k++) {
                owners += new Shard(k, 4).owns(i) ? 1 : 0;
            }
            assertThat(owners).isEqualTo(1);
        }
    }

    @Test
    void badShardsAreUserErrors() {
        assertThatThrownBy(() -> Shard.parse("4/4")).isInstanceOf(UserError.class).hasMessageContaining("0 <= i < n");
        assertThatThrownBy(() -> Shard.parse("x")).isInstanceOf(UserError.class).hasMessageContaining("i/n");
        assertThat(Shard.parse(" 1 / 3 ")).isEqualTo(new Shard(1, 3));
    }
}
