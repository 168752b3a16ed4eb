package xpf.sim.scenario.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.DomainSpec;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.Insn;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.Scenario;
import xpf.model.scenario.Step;
import xpf.model.scenario.VcpuSpec;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PagingMode;
import xpf.model.x86.Vendor;

/** The value syntaxes and defaults of docs/scenario-format.md, one behaviour per test. */
class ScenarioLoaderTest {

    static final String BARE = """
            version: 1
            domains:
              - kind: bare
                frames: {l4: 0x1000, l3: 0x1001, l1: 0x1003, data: 0x1100}
                vcpus: [{mode: long4, cr3: l4}]
            """;

    static final String PV = """
            version: 1
            domains:
              - kind: pv64
                frames: {l4: 0x1000, l1: 0x1003, data: 0x1100}
                vcpus: [{cr3: l4}]
              - name: other
                kind: pv64
                frames: {theirs: 0x2000}
                vcpus: [{cr3: theirs}]
            """;

    static Scenario load(String yaml) {
        return ScenarioLoader.load("t.yaml", yaml).scenario();
    }

    static String error(String yaml) {
        try {
            ScenarioLoader.load("t.yaml", yaml);
        } catch (ScenarioLoadException e) {
            return e.getMessage();
        }
        throw new AssertionError("loaded without error:\n" + yaml);
    }

    static Step step(String domains, String step) {
        return load(domains + "steps:\n  - " + step.strip().replace("\n", "\n    ") + "\n").steps().get(0);
    }

    @Test
    void defaultsAreFilledIn() {
        Scenario s = ScenarioLoader.load("dir/my-case.yaml", BARE + "steps: []\n").scenario();
        assertThat(s.name()).isEqualTo("my-case");
        assertThat(s.description()).isEmpty();
        assertThat(s.machine().vendor()).isEqualTo(Vendor.INTEL);
        assertThat(s.machine().maxPhyAddr()).isEqualTo(40);
        assertThat(s.machine().features()).containsExactlyInAnyOrder(CpuFeature.NX, CpuFeature.PAGE1GB);
        assertThat(s.machine().xen()).isEqualTo(XenProfile.XEN_4_22);
        DomainSpec d = s.domains().get(0);
        assertThat(d.name()).isEqualTo("guest");
        assertThat(d.spareFrames()).isEqualTo(16);
        VcpuSpec v = d.vcpus().get(0);
        assertThat(v.cr3()).isEqualTo(0x1000L << 12);
        assertThat(v.rflags()).isEqualTo(0x202);
        assertThat(v.kernelSs()).isEqualTo(0xe02b);
        assertThat(v.pvKernelMode()).isTrue();
    }

    @Test
    void numbersTakeHexUnderscoresAndStrings() {
        Step s = step(BARE, "{op: invlpg, va: 0xffff_8000_0000_1000}");
        assertThat(((xpf.model.scenario.Invlpg) s.op()).va()).isEqualTo(0xffff_8000_0000_1000L);
        s = step(BARE, "{op: invlpg, va: \"4_096\"}");
        assertThat(((xpf.model.scenario.Invlpg) s.op()).va()).isEqualTo(4096);
        assertThat(error(BARE + "steps: [{op: invlpg, va: 0x1_0000_0000_0000_0000}]\n"))
                .isEqualTo("t.yaml:6:26: steps[0].va: 0x10000000000000000 is out of range 0x0..0xffffffffffffffff");
        assertThat(error(BARE + "steps: [{op: invlpg, va: 1.5}]\n"))
                .isEqualTo("t.yaml:6:26: steps[0].va: expected an integer, got the number 1.5");
    }

    @Test
    @DisplayName("entry expressions: frame, flags, aliases, pk(N), bit(N), raw numbers")
    void entryExpressions() {
        Scenario s = load(BARE.replace("vcpus:", "page_tables:\n      - {table: l1, index: 5, entry: "
                + "\"l1 | P|RW|US|pk(3)|bit(52)\"}\n      - {table: l1, index: 6, entry: \"data|p|rw|xd|0x600\"}\n"
                + "      - {table: l1, index: 7, entry: 0x1100067}\n    vcpus:") + "steps: []\n");
        var ptes = s.domains().get(0).pageTables();
        assertThat(ptes.get(0).value()).isEqualTo((0x1003L << 12) | 0x7 | (3L << 59) | (1L << 52));
        assertThat(ptes.get(0).text()).isEqualTo("l1 | P|RW|US|pk(3)|bit(52)");
        assertThat(ptes.get(1).value()).isEqualTo((0x1100L << 12) | 0x3 | (1L << 63) | 0x600);
        assertThat(ptes.get(2).value()).isEqualTo(0x1100067L);
        assertThat(ptes.get(2).text()).isEqualTo("0x1100067");
    }

    @Test
    void entryExpressionMistakes() {
        String base = BARE.replace("vcpus:", "page_tables: [{table: l1, index: 0, entry: \"%s\"}]\n    vcpus:")
                + "steps: []\n";
        assertThat(error(base.formatted("l1 | data | P"))).endsWith("'l1 | data | P' names two frames ('l1' and 'data')");
        assertThat(error(base.formatted("l1 || P"))).endsWith("empty term in 'l1 || P' (terms are joined by single '|')");
        assertThat(error(base.formatted("l1 | pk(16)"))).endsWith("'pk(16)' in 'l1 | pk(16)': the argument must be 0..15");
        assertThat(error(base.formatted("bit(64)"))).endsWith("'bit(64)' in 'bit(64)': the argument must be 0..63");
    }

    @Test
    void framesOfAnotherDomainAreQualified() {
        Step s = step(PV, """
                op: hypercall
                call: mmu_update
                requests: [{ptr: "pte(l1, 5)", val: "other.theirs | P|RW"}]
                foreign_dom: 2
                """);
        var mu = (HypercallOp.MmuUpdate) ((Hypercall) s.op()).call();
        assertThat(mu.requests().get(0).ptr()).isEqualTo((0x1003L << 12) + 5 * 8);
        assertThat(mu.requests().get(0).val()).isEqualTo((0x2000L << 12) | 3);
        assertThat(mu.foreignDom()).isEqualTo(2);
    }

    @Test
    void addressExpressionsUseTheDomainsEntryWidth() {
        String legacy = BARE.replace("{mode: long4, cr3: l4}", "{mode: legacy2, cr3: l4}");
        assertThat(((HostWrite) step(legacy, "{op: host_write, pa: \"pte(l1, 5)\", value: 1, size: 4}").op()).pa())
                .isEqualTo((0x1003L << 12) + 5 * 4);
        assertThat(((HostWrite) step(BARE, "{op: host_write, pa: \"pte(l1, 5)\", value: 1}").op()).pa())
                .isEqualTo((0x1003L << 12) + 5 * 8);
        assertThat(((HostWrite) step(BARE, "{op: host_write, pa: \"addr(data, 0x10)\", value: 1}").op()).pa())
                .isEqualTo((0x1100L << 12) + 0x10);
        assertThat(error(legacy + "steps: [{op: host_write, pa: \"pte(l1, 1024)\", value: 0}]\n"))
                .endsWith("steps[0].pa: 'pte(l1, 1024)': the index must be a number 0..1023 (4-byte entries)");
    }

    @Test
    void paeCr3CanPointInsideAFrame() {
        Scenario s = load(BARE.replace("{mode: long4, cr3: l4}", "{mode: pae, cr3: \"addr(l3, 0x20)\"}")
                + "steps: []\n");
        assertThat(s.domains().get(0).vcpus().get(0).cr3()).isEqualTo((0x1001L << 12) + 0x20);
    }

    @Test
    void accessDefaultsFollowKindAndInstruction() {
        GuestAccess w = (GuestAccess) step(BARE, "{op: access, va: 0x10, kind: write, value: \"data | P\"}").op();
        assertThat(w.size()).isEqualTo(8);
        assertThat(w.insn()).isEqualTo(Insn.MOV);
        assertThat(w.value()).isEqualTo((0x1100L << 12) | 1);
        assertThat(w.cpl()).isNull();
        GuestAccess f = (GuestAccess) step(BARE, "{op: access, va: 0x10, kind: fetch}").op();
        assertThat(f.size()).isEqualTo(1);
        assertThat(f.insn()).isEqualTo(Insn.LOAD);
        GuestAccess m = (GuestAccess) step(BARE, "{op: access, va: 0x10, kind: read, insn: movdqu}").op();
        assertThat(m.size()).isEqualTo(16);
        assertThat(error(BARE + "steps: [{op: access, va: 0, kind: read, value: 1}]\n"))
                .endsWith("steps[0].value: only writes have a value");
        assertThat(error(BARE + "steps: [{op: access, va: 0, kind: fetch, insn: mov}]\n"))
                .endsWith("steps[0].insn: mov cannot do a fetch (expected load)");
        assertThat(error(BARE + "steps: [{op: access, va: 0, kind: write, value: 1, compare: 1}]\n"))
                .endsWith("steps[0].compare: compare is for insn: cmpxchg");
    }

    @Test
    void hypercallArgumentsBySymbolOrNumber() {
        var uvm = (HypercallOp.UpdateVaMapping) ((Hypercall) step(PV,
                "{op: hypercall, call: update_va_mapping, va: 0x4000, val: \"data | P\", flags: [invlpg, all]}")
                .op()).call();
        assertThat(uvm.flags()).isEqualTo(2 | 4);
        var mu = (HypercallOp.MmuUpdate) ((Hypercall) step(PV,
                "{op: hypercall, call: mmu_update, requests: [{ptr: \"pte(l1, 1)\", val: 0, cmd: preserve_ad}]}")
                .op()).call();
        assertThat(mu.requests().get(0).ptr()).isEqualTo(((0x1003L << 12) + 8) | 2);
        assertThat(mu.foreignDom()).isEqualTo(0x7ff0);
        var ext = (HypercallOp.MmuextOp) ((Hypercall) step(PV, """
                op: hypercall
                call: mmuext_op
                ops:
                  - {cmd: pin_l1_table, mfn: l1}
                  - {cmd: set_ldt, va: 0x8000, count: 3}
                  - {cmd: 99, arg1: 5, arg2: 6}
                """).op()).call();
        assertThat(ext.ops()).containsExactly(new HypercallOp.MmuextOp.Request(0, 0x1003, 0),
                new HypercallOp.MmuextOp.Request(13, 0x8000, 3), new HypercallOp.MmuextOp.Request(99, 5, 6));
        var va = (HypercallOp.VmAssist) ((Hypercall) step(PV,
                "{op: hypercall, call: vm_assist, cmd: disable, type: m2p_strict}").op()).call();
        assertThat(va).isEqualTo(new HypercallOp.VmAssist(1, 32));
        var stt = (HypercallOp.SetTrapTable) ((Hypercall) step(PV, "{op: hypercall, call: set_trap_table, "
                + "entries: null}").op()).call();
        assertThat(stt.nullHandle()).isTrue();
        var mc = (HypercallOp.Multicall) ((Hypercall) step(PV, """
                op: hypercall
                call: multicall
                calls:
                  - {call: update_va_mapping, va: 0, val: 0}
                  - {call: iret}
                """).op()).call();
        assertThat(mc.calls()).containsExactly(new HypercallOp.UpdateVaMapping(0, 0, 0), new HypercallOp.Iret());
    }

    @Test
    void hypercallArgumentMistakes() {
        assertThat(error(PV + "steps: [{op: hypercall, call: mmu_update, requests: [{ptr: 0x1003001, val: 0, "
                + "cmd: normal}]}]\n")).contains("ptr 0x1003001 must be 8-byte aligned when cmd is given");
        assertThat(error(PV + "steps: [{op: hypercall, call: mmuext_op, ops: [{cmd: pin_l1_table, mfn: l1, "
                + "arg1: 3}]}]\n")).endsWith("steps[0].ops[0].arg1: give mfn or arg1, not both");
        assertThat(error(PV + "steps: [{op: hypercall, call: mmuext_op, ops: [{cmd: tlb_flush_local, mfn: l1}]}]\n"))
                .contains("steps[0].ops[0].mfn: unknown key 'mfn'");
        assertThat(error(PV + "steps: [{op: hypercall, call: mmu_updat, requests: []}]\n"))
                .contains("steps[0].call: unknown hypercall 'mmu_updat'").contains("did you mean 'mmu_update'?");
    }

    @Test
    void expectationsFlattenNestedMapsAndCheckValues() {
        Step s = step(PV, """
                op: access
                va: 0x1000
                kind: read
                expect:
                  outcome: delivered
                  vector: 14
                  error_code: P|W
                  frame: {rip: 0xffff800000001000, error_code: 3}
                  cr2: 0x1000
                """);
        assertThat(s.expect().outcome()).isEqualTo(OutcomeClass.DELIVERED);
        assertThat(s.expect().fields()).containsExactly(java.util.Map.entry("vector", "14"),
                java.util.Map.entry("error_code", "P|W"), java.util.Map.entry("frame.rip", "0xffff800000001000"),
                java.util.Map.entry("frame.error_code", "3"), java.util.Map.entry("cr2", "0x1000"));
        Step v = step(BARE, "{op: access, va: 0, kind: read, expect: {outcome: ok, value: \"data | P|A\"}}");
        assertThat(v.expect().fields()).containsEntry("value", "0x1100021");
        assertThat(error(BARE + "steps: [{op: invlpg, va: 0, expect: {outcome: hypercall, rc: -EWHAT}}]\n"))
                .endsWith("steps[0].expect.rc: bad rc '-EWHAT': unknown errno '-EWHAT' (expected 0, -EINVAL, "
                        + "-EBUSY, ...)");
        assertThat(error(BARE + "steps: [{op: invlpg, va: 0, expect: {outcome: exception, vector: 13, "
                + "error_code: P}}]\n")).endsWith("steps[0].expect.error_code: bad error_code 'P': not a number "
                        + "(decimal or 0x hex)");
    }

    @Test
    void kindRules() {
        assertThat(load("""
                version: 1
                domains: [{kind: hvm-vmx, vcpus: [{mode: off}]}]
                steps: []
                """).domains().get(0)).satisfies(d -> {
                    assertThat(d.paging()).isEqualTo(HvmPaging.SHADOW);
                    assertThat(d.vcpus().get(0).mode()).isNull();
                });
        assertThat(load("version: 1\ndomains: [{kind: pv32, frames: {l3: 0x1000}, vcpus: [{cr3: l3}]}]\nsteps: []\n")
                .domains().get(0).vcpus().get(0).mode()).isEqualTo(PagingMode.PAE);
        assertThat(error("version: 1\ndomains: [{kind: pv64, frames: {l3: 0x1000}, vcpus: [{mode: pae, cr3: l3}]}]\n"
                + "steps: []\n")).endsWith("a pv64 vCPU runs in long4 (64-bit PV guests use 4-level paging)");
        assertThat(error(BARE + "steps: [{op: access, va: 0, kind: read, knobs: {shadow_oom: true}}]\n"))
                .endsWith("steps[0].knobs: knobs inject faults into Xen; domain guest is bare (no Xen)");
        assertThat(error(PV + "steps: [{op: invlpg, va: 0, knobs: {pending_event: {vector: 14, type: hw_exc}}}]\n"))
                .contains("steps[0].knobs.pending_event: pending_event is an HVM knob");
    }

    @Test
    void crWriteNeedsAChangeAndKnownFlags() {
        ControlWrite w = (ControlWrite) step(BARE, "{op: cr_write, cr3: data, set: [SMEP], clear: [WP], pkru: 4}")
                .op();
        assertThat(w.cr3()).isEqualTo(0x1100L << 12);
        assertThat(w.set()).containsExactly(ControlFlag.SMEP);
        assertThat(w.clear()).containsExactly(ControlFlag.WP);
        assertThat(w.pkru()).isEqualTo(4);
        assertThat(error(BARE + "steps: [{op: cr_write}]\n"))
                .endsWith("steps[0]: cr_write changes nothing: give cr3, set, clear, mode or pkru");
        assertThat(error(BARE + "steps: [{op: cr_write, set: [SMAP, SMAP]}]\n"))
                .endsWith("steps[0].set[1]: 'SMAP' is listed twice");
    }

    @Test
    void stepsRecordTheirLine() {
        Scenario s = load(BARE + "steps:\n  - op: invlpg\n    va: 0\n\n  - {op: invlpg, va: 1}\n");
        assertThat(s.steps()).extracting(Step::line).containsExactly(7, 10);
    }

    @Test
    void jsonReadsLikeYaml() {
        String json = """
                {"version": 1,
                 "domains": [{"kind": "bare", "frames": {"l4": "0x1000"}, "vcpus": [{"mode": "long4", "cr3": "l4"}]}],
                 "steps": [{"op": "invlpg", "va": 4096, "expect": {"outcome": "ok"}}]}
                """;
        Scenario j = ScenarioLoader.load("t.json", json).scenario();
        Scenario y = ScenarioLoader.load("t.yaml", "version: 1\ndomains: [{kind: bare, frames: {l4: 0x1000}, "
                + "vcpus: [{mode: long4, cr3: l4}]}]\nsteps: [{op: invlpg, va: 0x1000, expect: {outcome: ok}}]\n")
                .scenario();
        assertThat(ScenarioRoundTripTest.withoutLines(j)).isEqualTo(ScenarioRoundTripTest.withoutLines(y));
    }

    @Test
    void aSimulatorErrorIsLocatedThroughTheSourceMap() {
        // the bare domain refuses a 16-byte access while running; the field is defaulted (movdqu => 16), so the
        // message points at the step itself
        LoadedScenario ls = ScenarioLoader.load("t.yaml", BARE + "steps:\n  - {op: invlpg, va: 0}\n"
                + "  - {op: access, va: 0, kind: read, insn: movdqu}\n");
        assertThatThrownBy(ls::run).isInstanceOf(ScenarioLoadException.class)
                .hasMessage("t.yaml:8:5: steps[1].size: bare accesses are at most 8 bytes");
        assertThat(ls.sources().exact("steps[1].insn")).isEqualTo(new Location(8, 43));
        assertThat(ls.sources().locate("steps[1].size")).isEqualTo(new Location(8, 5));
    }

    @Test
    void unknownKeysAreRejectedEverywhere() {
        for (String bad : List.of("machine: {vendr: intel}", "tags: [a]\nextra: 1")) {
            assertThat(error("version: 1\n" + bad + "\n" + BARE.substring(11) + "steps: []\n")).contains("unknown key");
        }
        assertThat(error(BARE.replace("{mode: long4, cr3: l4}", "{mode: long4, cr3: l4, cr4: 0}") + "steps: []\n"))
                .contains("domains[0].vcpus[0].cr4: unknown key 'cr4'; did you mean 'cr3'?");
    }
}
