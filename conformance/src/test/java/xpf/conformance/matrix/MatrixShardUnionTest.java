package xpf.conformance.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.sim.cli.Main;

/** {@code xpf matrix --shard i/n}: contiguous ranges that tile the whole space, each case in exactly one shard. */
class MatrixShardUnionTest {

    private static final Pattern RANGE = Pattern.compile("([\\d,]+) cases \\(shard (\\d+)/(\\d+): ([\\d,]+)\\.\\.([\\d,]+)\\)");
    private static final Pattern RAN = Pattern.compile("(?m)^(\\d+) cases, (\\d+) mismatches");

    @Test
    @DisplayName("the shards of a 2-wise access.c run tile its index range and run every case once")
    void shardsTileTheRange() {
        long[] whole = run("0/1");
        long total = whole[0];
        assertThat(whole[3]).isEqualTo(total);
        long expectFrom = 0;
        long ran = 0;
        for (int i = 0; i < 4; i++) {
            long[] s = run(i + "/4");
            assertThat(s[0]).isEqualTo(total);
            assertThat(s[1]).as("shard %d starts where the previous ended", i).isEqualTo(expectFrom);
            assertThat(s[3]).isEqualTo(s[2] - s[1]);
            expectFrom = s[2];
            ran += s[3];
        }
        assertThat(expectFrom).isEqualTo(total);
        assertThat(ran).isEqualTo(total);
    }

    /** total, from, to, cases run. */
    private static long[] run(String shard) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.execute(new String[] {"matrix", "--space", "access-c", "--t", "2", "--depth", "both",
            "--threads", "1", "--shard", shard}, new PrintWriter(out), new PrintWriter(err));
        assertThat(rc).as("%s%s", out, err).isEqualTo(0);
        Matcher m = RANGE.matcher(err.toString());
        assertThat(m.find()).as(err.toString()).isTrue();
        Matcher r = RAN.matcher(out.toString());
        assertThat(r.find()).as(out.toString()).isTrue();
        return new long[] {num(m.group(1)), num(m.group(4)), num(m.group(5)), num(r.group(1))};
    }

    private static long num(String s) {
        return Long.parseLong(s.replace(",", ""));
    }
}
