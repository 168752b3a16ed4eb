package xpf.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.DomainKind;
import xpf.sim.scenario.ScenarioRunner;
import xpf.sim.scenario.load.ScenarioLoadException;
import xpf.sim.scenario.load.ScenarioLoader;
import xpf.sim.xen.mm.PageInfo;
import xpf.sim.xen.pv.PvDomain;

/**
 * The edges of the model that rules.yaml waives rule rows with: each test pins what the simulator does where a
 * reference row describes behaviour the model leaves out (L1TF, nested HVM, altp2m, mem_access, HVM hypercalls,
 * frame-table counts no expectation can read). If someone models the feature, the test fails, and the row should
 * become a required rule with a scenario.
 */
class ModelBoundaryTest {

    static final String PV64 = """
            version: 1
            machine: {vendor: intel, maxphyaddr: 40, features: [nx, smep, smap, page1gb], xen: xen-4.22}
            domains:
              - name: guest
                kind: pv64
                vm_assist: [writable_pagetables]
                frames: {l4: 0x1000, l3: 0x1001, l2: 0x1002, l1: 0x1003, data: 0x1004, newdata: 0x1005, stack: 0x1006}
                page_tables:
                  - {table: l4, index: 0, entry: "l3 | P|RW|US|A"}
                  - {table: l3, index: 0, entry: "l2 | P|RW|US|A"}
                  - {table: l2, index: 0, entry: "l1 | P|RW|US|A"}
                  - {table: l1, index: 1, entry: "data | P|RW|US|A"}
                  - {table: l1, index: 6, entry: "stack | P|RW|US|A"}
                trap_table:
                  - {vector: 14, cs: 0xe033, address: "0xffffffff81000000"}
                vcpus:
                  - {mode: long4, cr3: l4, pv_kernel_mode: true, rip: "0xffffffff80001234", rsp: 0x6800, kernel_sp: 0x7000}
            steps:
            """;

    static ScenarioRunner.Run run(String yaml) {
        ScenarioRunner.Run r = ScenarioRunner.run(ScenarioLoader.parse(yaml));
        assertThat(r.failures()).as("expectations of the boundary scenario").isEmpty();
        return r;
    }

    @Test
    @DisplayName("pv.6.9 / XSA-273: L1TF is not modelled: a not-present L1 entry with any address bits is accepted")
    void pvL1tfNotModelled() {
        // Xen 4.22 would switch an L1TF-vulnerable domain to shadow mode (or crash it) for this entry (§3.3, §6).
        ScenarioRunner.Run r = run(PV64 + """
                  - op: hypercall
                    call: mmu_update
                    requests: [{ptr: "pte(l1, 7)", val: 0x12345678000}]
                    expect: {outcome: hypercall, hypercall: mmu_update, rc: 0, done: 1}
                  - {op: access, va: 0x1000, kind: read, expect: {outcome: ok, value: 0}}
                """);
        assertThat(((PvDomain) r.domains().get("guest")).view().alive()).isTrue();
    }

    @Test
    @DisplayName("xsa-109 / hvm.3.E3: HVM domains make no hypercalls in the model (bad input)")
    void hypercallOnHvmIsBadInput() {
        String yaml = """
                version: 1
                domains:
                  - {kind: hvm-svm, frames: {pml4: 0x1000}, vcpus: [{cr3: pml4}]}
                steps:
                  - {op: hypercall, call: mmu_update, requests: [{ptr: 0x1000000, val: 0}]}
                """;
        assertThatThrownBy(() -> ScenarioLoader.load("hvm.yaml", yaml)).isInstanceOf(ScenarioLoadException.class)
                .hasMessageContaining("steps[0].op: hypercalls are made by PV domains");
    }

    @Test
    @DisplayName("hvm.5.2.1/4/5, hvm.7.16: no nested HVM, altp2m or mem_access: full-access p2m, fetches never exit")
    void hapClassesWithoutModel() {
        // No domain kind runs a nested guest, and a p2m entry has no access field (mem_access / altp2m views).
        assertThat(Arrays.stream(DomainKind.values()).map(DomainKind::wireName))
                .containsExactlyInAnyOrder("bare", "pv64", "pv32", "hvm-svm", "hvm-vmx");
        String hap = """
                version: 1
                machine: {vendor: intel, maxphyaddr: 40, features: [nx, smep, smap, page1gb], xen: xen-4.22}
                domains:
                  - name: guest
                    kind: hvm-vmx
                    paging: hap
                    frames: {pml4: 0x1000, code: 0x1200, code2: 0x1300}
                    mappings:
                      - {va: 0x400000, frame: code, size: 2m, flags: "P|RW|US|A|D"}
                    %s
                    vcpus:
                      - {mode: long4, cr3: pml4, controls: [WP, NXE], cpl: 3}
                steps:
                  - {op: access, va: 0x400000, kind: fetch, expect: {outcome: ok}}
                  - {op: access, va: 0x500000, kind: fetch, expect: {outcome: ok}}
                """;
        assertThatThrownBy(() -> ScenarioLoader.parse(hap.formatted("p2m: [{gfn: code, type: ram_rw, access: rx}]")))
                .isInstanceOf(ScenarioLoadException.class).hasMessageContaining("unknown key 'access'");
        // A fetch from a 2 MiB guest page backed by RAM completes without any exit: no mem_access violation, no
        // XSA-304 shattering of executable superpages.
        ScenarioRunner.Run r = run(hap.formatted(""));
        assertThat(r.trace().render()).doesNotContain("VM exit");
    }

    @Test
    @DisplayName("xsa-113: MMU_MACHPHYS_UPDATE leaves the frame's reference counts as they were")
    void machphysUpdateKeepsReferencesBalanced() {
        String updates = """
                  - op: hypercall
                    call: mmu_update
                    requests: [{ptr: "addr(newdata, 0)", val: 0x55, cmd: machphys}, {ptr: "addr(newdata, 0)", val: 0x56, cmd: machphys}]
                    expect: {outcome: hypercall, hypercall: mmu_update, rc: 0, done: 2}
                """;
        String none = "  - {op: access, va: 0x1000, kind: read, expect: {outcome: ok, value: 0}}\n";
        PageInfo.Snapshot before = newdata(run(PV64 + none));
        PageInfo.Snapshot after = newdata(run(PV64 + updates + updates));
        assertThat(after.count()).isEqualTo(before.count());
        assertThat(after.typeCount()).isEqualTo(before.typeCount());
        assertThat(after.type()).isEqualTo(before.type());
    }

    private static PageInfo.Snapshot newdata(ScenarioRunner.Run r) {
        return ((PvDomain) r.domains().get("guest")).view().frames().stream().filter(f -> f.mfn() == 0x1005)
                .findFirst().orElseThrow();
    }
}
