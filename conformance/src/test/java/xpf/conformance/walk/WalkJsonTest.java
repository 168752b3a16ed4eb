package xpf.conformance.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.TreeMap;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import xpf.model.x86.Access;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.WalkCase;
import xpf.model.x86.WalkOutcome;

/** The JSON-line writer and reader agree with each other and with docs/walk-service.md. */
class WalkJsonTest {

    @Test
    @DisplayName("walk-service input lines round-trip (full and default-omitting forms) over generated cases")
    void roundTrip() {
        WalkCaseGenerator gen = new WalkCaseGenerator(99);
        for (int i = 0; i < 3_000; i++) {
            WalkCase c = gen.caseAt(i).walkCase();
            assertThat(WalkJson.parseCase(WalkJson.caseLine(c, "x", false, null))).as("case %d", i).isEqualTo(c);
            assertThat(WalkJson.parseCase(WalkJson.caseLine(c, null, true, "\"comment\":\"c\""))).isEqualTo(c);
        }
    }

    @Test
    @DisplayName("the compact line of a simple case is exactly the contract's form")
    void exactLine() {
        TreeMap<Long, Long> mem = new TreeMap<>();
        mem.put(0x1008L, 0x2007L);
        mem.put(0x2010L, 0x8000_0000_0000_3007L);
        WalkCase c = new WalkCase(CpuConfig.intel(40), PagingControls.long4(0x1000).withWp(true).withPkru(-1), mem,
                Access.write(0x80_8060_4567L, 3));
        assertThat(WalkJson.caseLine(c, "t1", true, null)).isEqualTo("{\"id\":\"t1\",\"mode\":\"long4\","
                + "\"cr0_wp\":true,\"pkru\":\"0xffffffff\",\"cr3\":\"0x1000\","
                + "\"memory\":{\"0x1008\":\"0x2007\",\"0x2010\":\"0x8000000000003007\"},"
                + "\"access\":{\"va\":\"0x8080604567\",\"kind\":\"write\",\"cpl\":3}}");
    }

    @Test
    @DisplayName("outcome objects use the contract's keys in order, lowercase hex")
    void outcomeObject() {
        TreeMap<Long, Long> after = new TreeMap<>();
        after.put(0x4020L, 0x5067L);
        WalkOutcome ok = WalkOutcome.success(0x5567, 4096, after, java.util.List.of(0x1008L, 0x4020L), null);
        assertThat(WalkJson.outcomeObject(ok, null)).isEqualTo("{\"id\":null,\"status\":\"ok\",\"fault\":false,"
                + "\"vector\":null,\"error_code\":null,\"cr2\":null,\"pa\":\"0x5567\",\"page_size\":4096,"
                + "\"memory_after\":{\"0x4020\":\"0x5067\"},\"walk\":[\"0x1008\",\"0x4020\"]}");
        WalkOutcome gp = WalkOutcome.exception(13, "PDPTE load #GP(0)");
        assertThat(WalkJson.outcomeObject(gp, "a\"b")).isEqualTo("{\"id\":\"a\\\"b\",\"status\":\"ok\",\"fault\":true,"
                + "\"vector\":13,\"error_code\":0,\"cr2\":null,\"pa\":null,\"page_size\":null,\"memory_after\":{},"
                + "\"walk\":[],\"note\":\"PDPTE load #GP(0)\"}");
    }

    @Test
    @DisplayName("the reader accepts int and decimal-string numbers and rejects unknown keys by name")
    void reader() {
        WalkCase c = WalkJson.parseCase("{\"mode\":\"pae\",\"cr3\":4128,\"memory\":{\"4144\":\"12289\"},"
                + "\"access\":{\"va\":\"0x80604567\",\"kind\":\"fetch\",\"cpl\":3},\"tags\":[1],\"name\":\"n\"}");
        assertThat(c.controls().cr3()).isEqualTo(0x1020);
        assertThat(c.memory()).containsEntry(0x1030L, 0x3001L);
        assertThat(c.cpu().maxPhyAddr()).isEqualTo(40);
        assertThatThrownBy(() -> WalkJson.parseCase("{\"mode\":\"pae\",\"cr3\":0,\"acess\":{}}"))
                .hasMessageContaining("unknown key 'acess'");
        assertThatThrownBy(() -> WalkJson.parseCase("{\"mode\":\"pae\",\"cr3\":0,\"access\":{\"va\":0,"
                + "\"kind\":\"read\",\"x\":1}}")).hasMessageContaining("access.x");
    }
}
