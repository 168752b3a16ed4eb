package xpf.conformance.allure;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.Expectation;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.MappingSpec;
import xpf.model.scenario.MemoryInit;
import xpf.model.scenario.Outcome;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PageSizes;
import xpf.model.x86.PagingMode;
import xpf.sim.scenario.ExpectationMatcher;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.trace.Trace;
import xpf.sim.x86.EntryBits;

/**
 * Runs for the converter tests: real simulator runs of bare (x86) scenarios, and runs whose traces are written by
 * hand after the seed mail for the PV and HVM flows (those paths are not in this build yet; the converter only reads
 * the trace's events, so a hand-written trace exercises it fully).
 */
final class Runs {
    private Runs() {
    }

    static Step step(xpf.model.scenario.Operation op, Expectation e) {
        return new Step("guest", 0, op, null, e, null, 0);
    }

    static Expectation expect(OutcomeClass c, String... kv) {
        LinkedHashMap<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            f.put(kv[i], kv[i + 1]);
        }
        return new Expectation(c, f);
    }

    /** A bare guest at CPL 3 with va 0x400000 mapped read-only for user mode; data 0x1122334455667788 at +0x10. */
    static Scenario bare(String name, List<String> tags, List<Step> steps) {
        LinkedHashMap<String, Long> frames = new LinkedHashMap<>();
        frames.put("root", 0x1000L);
        frames.put("data", 0x1100L);
        DomainSpec d = new DomainSpec("guest", DomainKind.BARE, null, false, Set.of(), frames, 8, List.of(),
                List.of(new MappingSpec(0x400000, 0x1100, PageSizes.SIZE_4K, EntryBits.P | EntryBits.US,
                        EntryBits.P | EntryBits.RW | EntryBits.US, 0x1000, "m")),
                List.of(new MemoryInit(0x1100, 0x10, 8, 0x1122334455667788L)),
                List.of(new VcpuSpec(PagingMode.LONG4, 0x1000L << 12, EnumSet.of(ControlFlag.WP), 0, 0, 3, true, 0, 0,
                        0, 0x202, 0, 0, null)),
                List.of(), List.of(), List.of(), new LinkedHashMap<>());
        return new Scenario(1, name, "", tags, MachineSpec.modernIntel(XenProfile.XEN_4_22), List.of(), List.of(d),
                steps);
    }

    /** Real run: a read (ok) and a user write to the read-only page, expected with a wrong error code (P|W). */
    static ScenarioRunner.Run failingBare() {
        return ScenarioRunner.run(bare("failing-demo", List.of("demo", "1.1d"), List.of(
                step(GuestAccess.read(0x400010), expect(OutcomeClass.OK, "value", "0x1122334455667788")),
                step(GuestAccess.write(0x400010, 1), expect(OutcomeClass.EXCEPTION, "vector", "14", "error_code",
                        "P|W", "cr2", "0x400010")))));
    }

    /** Real run that passes. */
    static ScenarioRunner.Run passingBare() {
        return ScenarioRunner.run(bare("bare-ok", List.of("1.1d"), List.of(
                step(GuestAccess.write(0x400010, 1), expect(OutcomeClass.EXCEPTION, "vector", "14", "error_code",
                        "P|W|U", "cr2", "0x400010")))));
    }

    static DomainSpec domain(DomainKind kind, HvmPaging paging) {
        LinkedHashMap<String, Long> frames = new LinkedHashMap<>();
        frames.put("l4", 0x1000L);
        return new DomainSpec("guest", kind, paging, false, Set.of(), frames, 8, List.of(), List.of(), List.of(),
                List.of(new VcpuSpec(PagingMode.LONG4, 0x1000L << 12, EnumSet.noneOf(ControlFlag.class), 0, 0, 0,
                        true, 0, 0, 0, 0x202, 0, 0, null)),
                kind.pv() ? List.of(new TrapInfoSpec(14, 0, 0xe033, 0xffffffff81000000L)) : List.of(), List.of(),
                List.of(), new LinkedHashMap<>());
    }

    static Scenario scenario(String name, DomainKind kind, HvmPaging paging, XenProfile xen, List<String> tags,
            Step s) {
        return new Scenario(1, name, "", tags, MachineSpec.modernIntel(xen), List.of(), List.of(domain(kind, paging)),
                List.of(s));
    }

    static ScenarioRunner.Run run(Scenario sc, Trace t, Outcome o) {
        t.outcome(o);
        Step s = sc.steps().get(0);
        return new ScenarioRunner.Run(sc, List.of(new ScenarioRunner.StepResult(0, s, o,
                ExpectationMatcher.differences(s.expect(), o))), t, Map.of());
    }

    /** Hand-written trace: the seed mail's PV special case (ptwr), expected as {@code expected}. */
    static ScenarioRunner.Run pvPtwr(Expectation expected, XenProfile xen) {
        Scenario sc = scenario("pv-ptwr", DomainKind.PV64, null, xen, List.of("seed.pv.fixed", "pv.2.3d"),
                step(GuestAccess.write(0x3010, 0x1005067L), expected));
        Trace t = new Trace();
        t.beginStep(0);
        t.op("access", "kind", "write", "va", 0x3010L);
        t.hardware("#PF", "va", 0x3010L, "ec", Trace.ec(0x7));
        t.call("do_page_fault", "va", 0x3010L, "ec", Trace.ec(0x7));
        t.call("fixup_page_fault", "va", 0x3010L, "result", "ptwr");
        t.call("ptwr_do_page_fault", "va", 0x3010L, "result", "X86EMUL_OKAY");
        t.call("x86_emulate", "result", "OKAY");
        return run(sc, t, new Outcome.Emulated("ptwr", null));
    }

    /** Hand-written trace: the seed mail's HVM flow on SVM, ending in an injected #PF with error code P|W. */
    static ScenarioRunner.Run svmInject(Expectation expected, HvmPaging paging) {
        Scenario sc = scenario("svm-inject", DomainKind.HVM_SVM, paging, XenProfile.XEN_4_22,
                List.of("seed.hvm.injected"), step(GuestAccess.write(0x7000, 1), expected));
        Trace t = new Trace();
        t.beginStep(0);
        t.op("access", "kind", "write", "va", 0x7000L);
        t.vmexit("#VMEXIT", "exitcode", "0x4e", "exitinfo2", 0x7000L);
        t.call("svm_vmexit_handler");
        t.call("paging_fault", "va", 0x7000L, "ec", Trace.ec(0x3));
        t.call("sh_page_fault", "va", 0x7000L, "result", "propagate");
        t.call("hvm_inject_page_fault", "ec", Trace.ec(0x3), "cr2", 0x7000L);
        t.call("svm_inject_event");
        t.resume("VMRUN");
        LinkedHashMap<String, Long> ev = new LinkedHashMap<>();
        ev.put("eventinj", 0x300000b0eL);
        return run(sc, t, new Outcome.Injected(14, 0x3, 0x7000L, ev, null));
    }

    /** Hand-written trace: a PV fault that made Xen panic. */
    static ScenarioRunner.Run pvPanic(Expectation expected, List<String> tags) {
        Scenario sc = scenario("pv-panic", DomainKind.PV64, null, XenProfile.XEN_4_22, tags,
                step(GuestAccess.read(0x5000), expected));
        Trace t = new Trace();
        t.beginStep(0);
        t.op("access", "kind", "read", "va", 0x5000L);
        t.hardware("#PF", "va", 0x5000L, "ec", Trace.ec(0x9));
        t.call("do_page_fault", "va", 0x5000L, "ec", Trace.ec(0x9));
        t.call("fixup_page_fault", "result", "none");
        return run(sc, t, new Outcome.Panic("fatal_page_fault", "RSVD"));
    }
}
