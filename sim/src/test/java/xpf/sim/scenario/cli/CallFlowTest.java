package xpf.sim.scenario.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;
import xpf.sim.trace.TraceEvent;

/** How {@code explain} renders each kind of trace event (the vocabulary the PV and HVM paths record into). */
class CallFlowTest {

    static TraceEvent ev(TraceEvent.Kind kind, String name, String... kv) {
        SequencedMap<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            f.put(kv[i], kv[i + 1]);
        }
        return new TraceEvent(1, 0, kind, name, f);
    }

    @Test
    void callsShowResultFieldsAndTheirXenSource() {
        // x86_emulate is indexed through XenSymbols.Shared (META-INF/services)
        assertThat(CallFlow.event(ev(TraceEvent.Kind.CALL, "x86_emulate", "result", "OKAY", "va", "0x3010")))
                .isEqualTo("x86_emulate: OKAY (va=0x3010)  [xen/arch/x86/x86_emulate/x86_emulate.c, Xen 3.1, 4.22]");
        assertThat(CallFlow.event(ev(TraceEvent.Kind.CALL, "not_indexed_yet"))).isEqualTo("not_indexed_yet");
    }

    @Test
    void hardwareEventsSayWhereTheyHappened() {
        assertThat(CallFlow.event(ev(TraceEvent.Kind.HARDWARE, "#PF", "va", "0x10", "ec", "P|W")))
                .isEqualTo("#PF in guest (va=0x10, ec=P|W)");
        assertThat(CallFlow.event(ev(TraceEvent.Kind.HARDWARE, "#PF", "in", "xen", "va", "0x10")))
                .isEqualTo("#PF in xen (va=0x10)");
    }

    @Test
    void otherKinds() {
        assertThat(CallFlow.event(ev(TraceEvent.Kind.VMEXIT, "NPF", "exitcode", "0x400")))
                .isEqualTo("VM exit NPF (exitcode=0x400)");
        assertThat(CallFlow.event(ev(TraceEvent.Kind.RESUME, "VMRUN"))).isEqualTo("resume VMRUN");
        assertThat(CallFlow.event(ev(TraceEvent.Kind.XENTRACE, "TRC_PV_PAGE_FAULT", "id", "0x0020100a")))
                .isEqualTo("xentrace TRC_PV_PAGE_FAULT (id=0x0020100a)");
        assertThat(CallFlow.event(ev(TraceEvent.Kind.NOTE, "xen-3.1: no SMAP check"))).isEqualTo(
                "note: xen-3.1: no SMAP check");
        assertThat(CallFlow.event(ev(TraceEvent.Kind.OP, "access", "va", "0x1"))).isEqualTo("guest access (va=0x1)");
    }
}
