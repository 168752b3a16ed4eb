package xpf.sim.walk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import xpf.model.x86.WalkCase;

/** The JSON-lines contract of docs/walk-service.md: validation messages and the output shape. */
class WalkJsonTest {
    static final String OK = "{\"id\":1,\"mode\":\"long4\",\"cr3\":\"0x1000\",\"memory\":{\"0x1000\":\"0x2007\"},"
            + "\"access\":{\"va\":\"0x10\",\"kind\":\"read\"}}";

    @Test
    @DisplayName("a valid line parses with defaults: maxphyaddr 40, intel, page1gb, cpl 0")
    void defaults() {
        WalkJson.Parsed p = WalkJson.parseLine(OK);
        assertThat(p.ok()).isTrue();
        WalkCase c = p.walkCase();
        assertThat(c.cpu().maxPhyAddr()).isEqualTo(40);
        assertThat(c.cpu().page1gb()).isTrue();
        assertThat(c.access().cpl()).isZero();
        assertThat(c.memory()).containsEntry(0x1000L, 0x2007L);
        assertThat(p.id().asInt()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"mode\":\"long4\",\"cr3\":0,\"access\":{\"va\":0,\"kind\":\"read\"},\"bogus\":1}|unknown key 'bogus'",
        "{\"mode\":\"long4\",\"cr3\":0,\"access\":{\"va\":0,\"kind\":\"read\",\"x\":1}}|unknown key 'access.x'",
        "{\"mode\":\"long4\",\"cr3\":0,\"access\":{\"kind\":\"read\"}}|missing key 'access.va'",
        "{\"mode\":\"long9\",\"cr3\":0,\"access\":{\"va\":0,\"kind\":\"read\"}}|mode: unknown paging mode 'long9'",
        "{\"mode\":\"long4\",\"cr3\":0,\"access\":{\"va\":0,\"kind\":\"poke\"}}|access.kind: unknown access kind 'poke'",
        "{\"mode\":\"long4\",\"cr3\":0,\"maxphyaddr\":60,\"access\":{\"va\":0,\"kind\":\"read\"}}|maxphyaddr: 60 is outside 36..52",
        "{\"mode\":\"long4\",\"cr3\":\"0x10000000000\",\"access\":{\"va\":0,\"kind\":\"read\"}}|cr3: 0x10000000000 has bits at or above maxphyaddr 40",
        "{\"mode\":\"legacy2\",\"cr3\":0,\"memory\":{\"0x2\":1},\"access\":{\"va\":0,\"kind\":\"read\"}}|memory key '0x2': not a multiple of the entry width 4",
        "{\"mode\":\"legacy2\",\"cr3\":0,\"memory\":{\"0x4\":\"0x100000000\"},\"access\":{\"va\":0,\"kind\":\"read\"}}|memory[0x4]: 0x100000000 does not fit a 4-byte legacy2 entry",
        "{\"mode\":\"long4\",\"cr3\":0,\"pkru\":\"0x100000000\",\"access\":{\"va\":0,\"kind\":\"read\"}}|pkru: 0x100000000 is wider than 32 bits",
        "{\"mode\":\"long4\",\"cr3\":0,\"cr0_wp\":1,\"access\":{\"va\":0,\"kind\":\"read\"}}|cr0_wp: expected true or false, got 1",
        "{\"mode\":\"long4\",\"cr3\":\"zz\",\"access\":{\"va\":0,\"kind\":\"read\"}}|cr3: 'zz' is not a number",
        "[1,2]|a case must be a JSON object",
        "{\"mode\":|malformed JSON"})
    void errors(String line, String messageStart) {
        WalkJson.Parsed p = WalkJson.parseLine(line);
        assertThat(p.ok()).isFalse();
        assertThat(p.error()).startsWith(messageStart);
    }

    @Test
    @DisplayName("ignored top-level keys are accepted: comment, description, expected, tags, name")
    void ignoredKeys() {
        String line = OK.replace("{\"id\":1,", "{\"id\":1,\"comment\":\"c\",\"description\":\"d\",\"expected\":{},"
                + "\"tags\":[\"1.1c\"],\"name\":\"n\",");
        assertThat(WalkJson.parseLine(line).ok()).isTrue();
    }

    @Test
    @DisplayName("output keys come in the contract's order, hex lowercase")
    void outputShape() {
        WalkJson.Parsed p = WalkJson.parseLine(OK);
        String out = WalkJson.outcomeLine(p.id(), WalkService.evaluate(p.walkCase()));
        assertThat(out).isEqualTo("{\"id\":1,\"status\":\"ok\",\"fault\":true,\"vector\":14,\"error_code\":0,"
                + "\"cr2\":\"0x10\",\"pa\":null,\"page_size\":null,\"memory_after\":{},"
                + "\"walk\":[\"0x1000\",\"0x2000\"]}");
    }

    @Test
    @DisplayName("a case printed as a line parses back to the same case")
    void roundTrip() {
        WalkCase c = WalkJson.parseLine(OK).walkCase();
        WalkJson.Parsed back = WalkJson.parseLine(WalkJson.caseToLine(c, null));
        assertThat(back.ok()).isTrue();
        assertThat(back.walkCase()).isEqualTo(c);
    }

    @Test
    @DisplayName("64-bit values above 2^63 are accepted as hex strings and as JSON integers")
    void unsigned64() {
        String line = "{\"mode\":\"long4\",\"efer_nxe\":true,\"cr3\":0,\"memory\":{\"0x0\":\"0x8000000000001007\","
                + "\"8\":9223372036854780000},\"access\":{\"va\":0,\"kind\":\"read\"}}";
        WalkJson.Parsed p = WalkJson.parseLine(line);
        assertThat(p.ok()).as(p.error()).isTrue();
        assertThat(p.walkCase().memory().get(0L)).isEqualTo(0x8000000000001007L);
    }

    @Test
    @DisplayName("the short form (defaults omitted) with notes under ignored keys replays to the same case")
    void shortFormWithNotes() {
        WalkCase c = WalkJson.parseLine(OK).walkCase();
        java.util.Map<String, Object> notes = new java.util.LinkedHashMap<>();
        notes.put("comment", "minimised");
        notes.put("expected", WalkJson.outcomeNode(null, WalkService.evaluate(c)));
        String line = WalkJson.caseToLine(c, null, true, notes);
        assertThat(line).isEqualTo("{\"mode\":\"long4\",\"cr3\":\"0x1000\",\"memory\":{\"0x1000\":\"0x2007\"},"
                + "\"access\":{\"va\":\"0x10\",\"kind\":\"read\"},\"comment\":\"minimised\",\"expected\":{\"id\":null,"
                + "\"status\":\"ok\",\"fault\":true,\"vector\":14,\"error_code\":0,\"cr2\":\"0x10\",\"pa\":null,"
                + "\"page_size\":null,\"memory_after\":{},\"walk\":[\"0x1000\",\"0x2000\"]}}");
        assertThat(WalkJson.parseLine(line).walkCase()).isEqualTo(c);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WalkJson.caseToLine(c, null, true,
                java.util.Map.of("bogus", "x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("walk-service 8: the AMD SMAP note is for implicit data accesses only, never for fetches")
    void amdSmapNoteOnlyForData() {
        String base = "{\"mode\":\"long4\",\"vendor\":\"amd\",\"cr4_smap\":true,\"cr4_smep\":true,\"cr3\":\"0x1000\","
                + "\"memory\":{\"0x1000\":\"0x2007\",\"0x2000\":\"0x3007\",\"0x3000\":\"0x4007\",\"0x4000\":\"0x5007\"},"
                + "\"access\":{\"va\":\"0x10\",\"implicit\":true,\"kind\":";
        assertThat(WalkService.evaluate(WalkJson.parseLine(base + "\"read\"}}").walkCase()).note())
                .isEqualTo(WalkService.AMD_SMAP_NOTE);
        assertThat(WalkService.evaluate(WalkJson.parseLine(base + "\"fetch\"}}").walkCase()).note()).isNull();
    }
}
