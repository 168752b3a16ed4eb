package xpf.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;

/**
 * Trace events render immutable values when their fields are first read and everything else when it is recorded
 * (docs/performance.md): the rendered event must be what eager rendering gave.
 */
class TraceLazyFieldsTest {

    @Test
    void fieldsRenderAsAtRecordTime() {
        Trace t = new Trace();
        t.call("sh_page_fault", "va", 0x4000_1000L, "ec", Trace.ec(0b111), "vcpu", 1, "result", "fixed",
                "kind", TraceEvent.Kind.OP, "ok", true);
        SequencedMap<String, String> want = new LinkedHashMap<>();
        want.put("va", "0x40001000");
        want.put("ec", "P|W|U");
        want.put("vcpu", "1");
        want.put("result", "fixed");
        want.put("kind", "OP");
        want.put("ok", "true");
        TraceEvent e = t.events().get(0);
        assertThat(e.fields()).containsExactlyEntriesOf(want);
        assertThat(e.line()).isEqualTo("1 [0] CALL sh_page_fault va=0x40001000 ec=P|W|U vcpu=1 result=fixed kind=OP"
                + " ok=true");
    }

    @Test
    void aMutableValueIsRenderedWhenRecorded() {
        Trace t = new Trace();
        List<Long> frames = new ArrayList<>(List.of(1L, 2L));
        t.op("access", "frames", frames);
        frames.add(3L);
        assertThat(t.events().get(0).fields()).containsEntry("frames", "[1, 2]");
    }

    @Test
    void aRepeatedKeyKeepsItsFirstPlaceAndLastValue() {
        Trace t = new Trace();
        t.call("f", "a", 1, "b", 2, "a", 3);
        assertThat(t.events().get(0).line()).isEqualTo("1 [0] CALL f a=3 b=2");
    }

    @Test
    void aLazyEventEqualsTheSameEventBuiltRendered() {
        Trace t = new Trace();
        t.beginStep(2);
        t.xentrace("TRC_PV_PAGE_FAULT", 0x0020_1004, 0xdeadL, 7L);
        TraceEvent lazy = t.events().get(0);
        SequencedMap<String, String> f = new LinkedHashMap<>();
        f.put("id", "0x00201004");
        f.put("d0", "0xdead");
        f.put("d1", "0x7");
        TraceEvent built = new TraceEvent(1, 2, TraceEvent.Kind.XENTRACE, "TRC_PV_PAGE_FAULT", f);
        assertThat(lazy).isEqualTo(built).hasSameHashCodeAs(built).hasToString(built.toString());
        assertThat(lazy.toString()).isEqualTo("TraceEvent[seq=1, step=2, kind=XENTRACE, name=TRC_PV_PAGE_FAULT, "
                + "fields={id=0x00201004, d0=0xdead, d1=0x7}]");
    }
}
