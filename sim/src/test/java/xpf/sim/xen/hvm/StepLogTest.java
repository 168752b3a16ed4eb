package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.SequencedMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.Outcome;
import xpf.model.x86.Vectors;
import xpf.sim.x86.IdtDelivery;
import xpf.sim.x86.IdtGate;

/**
 * The outcome one step reports from what happened across its exits ({@link StepLog}), in the documented order: a
 * domain end wins; then Xen's injection (injected, or double_fault when Xen's combination or the processor's made it a
 * #DF, with the CR2 of a #PF in the chain); then a delivery by the processor alone; then emulation; then the first
 * silent fix (with "guest retried and completed" when the retry completed); otherwise the instruction's completion.
 */
class StepLogTest {

    static final SequencedMap<String, Long> FIELDS = new LinkedHashMap<>(java.util.Map.of("eventinj", 0x80000b0eL));

    static StepLog.Injection injection(int vector, Integer ec, Long cr2) {
        return new StepLog.Injection(vector, ec, cr2, FIELDS);
    }

    /** A delivery through a gate (handler 0xffffffff81000000 + vector * 0x100), frame {rip}. */
    static GuestRun.Delivered delivered(int vector, Integer ec, long cr2, boolean pfInChain) {
        IdtGate gate = IdtGate.of(0xffffffff81000000L + vector * 0x100L, 0x10, false, 0, 0, true);
        IdtDelivery.CpuState after = new IdtDelivery.CpuState(0, gate.offset(), 0x10, 2, 0x20fd0, 0x18, true);
        SequencedMap<String, Long> frame = new LinkedHashMap<>();
        frame.put("rip", 0x401000L);
        IdtDelivery.Delivered d = new IdtDelivery.Delivered(vector, ec, gate, after, frame);
        return new GuestRun.Delivered(d, new HvmEvent(vector, EventType.HW_EXC, ec, null), cr2, pfInChain);
    }

    /** The processor delivered {@code vector} but no IDT is described (delivery not simulated). */
    static GuestRun.Delivered notSimulated(int vector, Integer ec, long cr2, boolean pfInChain) {
        return new GuestRun.Delivered(null, new HvmEvent(vector, EventType.HW_EXC, ec, null), cr2, pfInChain);
    }

    @Test
    @DisplayName("nothing happened: completed without a value; a read's value when the instruction completed")
    void completed() {
        assertThat(new StepLog().outcome()).isEqualTo(new Outcome.Completed(null));
        StepLog l = new StepLog();
        l.completed(0x42L);
        assertThat(l.outcome()).isEqualTo(new Outcome.Completed(0x42L));
    }

    @Test
    @DisplayName("the first silent fix is reported; the retry's completion is noted")
    void firstFix() {
        StepLog l = new StepLog();
        l.fixed("shadow_fixup");
        l.fixed("hap_logdirty");
        assertThat(l.outcome()).isEqualTo(new Outcome.Fixed("shadow_fixup", null));
        l.completed(null);
        assertThat(l.outcome()).isEqualTo(new Outcome.Fixed("shadow_fixup", "guest retried and completed"));
    }

    @Test
    @DisplayName("emulation wins over a fix (the last emulation's fixup and value)")
    void emulationOverFix() {
        StepLog l = new StepLog();
        l.fixed("shadow_fixup");
        l.emulated("pt_write", null);
        l.emulated("mmio", 7L);
        assertThat(l.outcome()).isEqualTo(new Outcome.Emulated("mmio", 7L));
    }

    @Test
    @DisplayName("a delivery by the processor alone wins over emulation: the delivered event with its frame")
    void deliveryOverEmulation() {
        StepLog l = new StepLog();
        l.emulated("mmio", 7L);
        l.delivered(delivered(Vectors.PF, 6, 0x500000, true));
        Outcome o = l.outcome();
        assertThat(o).isInstanceOfSatisfying(Outcome.Delivered.class, d -> {
            assertThat(d.vector()).isEqualTo(14);
            assertThat(d.errorCode()).isEqualTo(6);
            assertThat(d.cr2()).isEqualTo(0x500000L);
            assertThat(d.handler()).isEqualTo(0xffffffff81000e00L);
            assertThat(d.frame()).containsEntry("rip", 0x401000L);
        });
        StepLog gp = new StepLog();
        gp.delivered(delivered(Vectors.GP, 0, 0x500000, false));
        assertThat(((Outcome.Delivered) gp.outcome()).cr2()).as("CR2 only for a #PF").isNull();
    }

    @Test
    @DisplayName("a delivery with no IDT described: the event itself (CR2 for a #PF only, handler 0, no frame)")
    void deliveryNotSimulated() {
        StepLog l = new StepLog();
        l.delivered(notSimulated(Vectors.PF, 4, 0x700000, true));
        assertThat(l.outcome()).isEqualTo(new Outcome.Delivered(14, 4, 0x700000L, 0, new LinkedHashMap<>()));
        StepLog gp = new StepLog();
        gp.delivered(notSimulated(Vectors.GP, 0, 0x700000, false));
        assertThat(gp.outcome()).isEqualTo(new Outcome.Delivered(13, 0, null, 0, new LinkedHashMap<>()));
    }

    @Test
    @DisplayName("the processor combined a delivery into #DF: double_fault, with CR2 only when a #PF was in the chain")
    void processorDoubleFault() {
        StepLog l = new StepLog();
        l.delivered(delivered(Vectors.DF, 0, 0x20ff8, true));
        assertThat(l.outcome()).isInstanceOfSatisfying(Outcome.DoubleFault.class, df -> {
            assertThat(df.cr2()).isEqualTo(0x20ff8L);
            assertThat(df.delivery().vector()).isEqualTo(8);
            assertThat(df.event()).isEmpty();
        });
        StepLog n = new StepLog();
        n.delivered(delivered(Vectors.DF, 0, 0x20ff8, false));
        assertThat(((Outcome.DoubleFault) n.outcome()).cr2()).isNull();
    }

    @Test
    @DisplayName("Xen's injection wins over delivery and emulation; its fields and the delivery that followed are kept")
    void injectionWins() {
        StepLog l = new StepLog();
        l.emulated("mmio", 1L);
        l.injected(injection(Vectors.PF, 6, 0x500000L));
        l.delivered(delivered(Vectors.PF, 6, 0x500000, true));
        assertThat(l.outcome()).isInstanceOfSatisfying(Outcome.Injected.class, i -> {
            assertThat(i.vector()).isEqualTo(14);
            assertThat(i.errorCode()).isEqualTo(6);
            assertThat(i.cr2()).isEqualTo(0x500000L);
            assertThat(i.event()).isEqualTo(FIELDS);
            assertThat(i.delivery().handler()).isEqualTo(0xffffffff81000e00L);
        });
    }

    @Test
    @DisplayName("a new injection forgets the delivery before it (the earlier event's handler never ran to the end)")
    void injectionResetsDelivery() {
        StepLog l = new StepLog();
        l.delivered(delivered(Vectors.GP, 0, 0, false));
        l.injected(injection(Vectors.PF, 6, 0x500000L));
        assertThat(((Outcome.Injected) l.outcome()).delivery()).isNull();
    }

    @Test
    @DisplayName("Xen injected #DF itself: double_fault with the CR2 Xen wrote and the injection's fields")
    void xenDoubleFault() {
        StepLog l = new StepLog();
        l.injected(injection(Vectors.DF, 0, 0x20ff8L));
        l.delivered(delivered(Vectors.DF, 0, 0x20ff8, false));
        assertThat(l.outcome()).isInstanceOfSatisfying(Outcome.DoubleFault.class, df -> {
            assertThat(df.cr2()).isEqualTo(0x20ff8L);
            assertThat(df.event()).isEqualTo(FIELDS);
            assertThat(df.delivery().vector()).isEqualTo(8);
        });
        StepLog alone = new StepLog();
        alone.injected(injection(Vectors.DF, 0, 0x30000L));
        assertThat(((Outcome.DoubleFault) alone.outcome()).cr2()).isEqualTo(0x30000L);
    }

    @Test
    @DisplayName("Xen injected, the processor combined its delivery into #DF: CR2 is what the guest sees when Xen's "
            + "event was a #PF or a #PF was in the chain, else none")
    void injectedThenProcessorDoubleFault() {
        StepLog pf = new StepLog();
        pf.injected(injection(Vectors.PF, 6, 0x500000L));
        pf.delivered(delivered(Vectors.DF, 0, 0x20ff8, false));
        assertThat(((Outcome.DoubleFault) pf.outcome()).cr2()).isEqualTo(0x20ff8L);
        StepLog gp = new StepLog();
        gp.injected(injection(Vectors.GP, 0, null));
        gp.delivered(delivered(Vectors.DF, 0, 0x1234, false));
        assertThat(((Outcome.DoubleFault) gp.outcome()).cr2()).isNull();
        StepLog gpPf = new StepLog();
        gpPf.injected(injection(Vectors.GP, 0, null));
        gpPf.delivered(delivered(Vectors.DF, 0, 0x20ff8, true));
        assertThat(((Outcome.DoubleFault) gpPf.outcome()).cr2()).isEqualTo(0x20ff8L);
    }

    @Test
    @DisplayName("a domain end wins over everything, and the first end is kept")
    void terminalWins() {
        StepLog l = new StepLog();
        assertThat(l.ended()).isFalse();
        l.injected(injection(Vectors.PF, 6, 0x500000L));
        l.terminal(new Outcome.TripleFault("reboot", "shutdown_exit"));
        l.terminal(new Outcome.DomainCrash("x", "y"));
        assertThat(l.outcome()).isEqualTo(new Outcome.TripleFault("reboot", "shutdown_exit"));
        assertThat(l.ended()).isTrue();
    }

    @Test
    @DisplayName("the livelock flag")
    void livelock() {
        StepLog l = new StepLog();
        assertThat(l.isLivelock()).isFalse();
        l.livelock();
        assertThat(l.isLivelock()).isTrue();
    }
}
