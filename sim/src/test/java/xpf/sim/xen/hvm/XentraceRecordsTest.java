package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.PagingMode;
import xpf.sim.scenario.ScenarioRunner;

/**
 * The HVM xentrace records of xen-hvm-fault-path.md §6 as {@code xpf explain} shows them: the 32-bit forms for a guest
 * outside long mode and the {@code _64} forms (TRC_64_FLAG 0x100, addresses as low/high words) in it, SVM and VMX exit
 * ids, TRC_HVM_VMENTRY (modern only), 3.1's TRC_HVM_VMEXIT, and TRC_HVM_NPF's 64-bit gpa split.
 */
class XentraceRecordsTest {

    static String trace(HvmFixture f) {
        return f.map(DATA_VA, "data", USER_RW).param("xentrace_shadow", 0).run(step(read(DATA_VA))).trace().render();
    }

    @Test
    @DisplayName("§6 SVM, 32-bit (PAE) guest: TRC_HVM_SVM_EXIT (reason, rip) and TRC_HVM_PF_XEN (ec as sh_page_fault left it, va) without _64")
    void svm32() {
        assertThat(trace(svm().mode(PagingMode.PAE))).contains("TRC_HVM_SVM_EXIT id=0x00081003 d0=0x4e d1=0x401000\n")
                .contains("TRC_HVM_PF_XEN id=0x00082001 d0=0x5 d1=0x400000\n").doesNotContain("_64")
                .contains("TRC_HVM_VMENTRY id=0x00081001");
    }

    @Test
    @DisplayName("§6 VMX: TRC_HVM_VMX_EXIT64 (reason, rip lo, rip hi) in long mode, TRC_HVM_VMX_EXIT in a PAE guest")
    void vmxExits() {
        assertThat(trace(vmx())).contains("TRC_HVM_VMX_EXIT64 id=0x00081102 d0=0x0 d1=0x401000 d2=0x0")
                .contains("TRC_HVM_PF_XEN64 id=0x00082101 d0=0x5 d1=0x400000 d2=0x0");
        assertThat(trace(vmx().mode(PagingMode.PAE))).contains("TRC_HVM_VMX_EXIT id=0x00081002 d0=0x0 d1=0x401000\n")
                .contains("TRC_HVM_PF_XEN id=0x00082001 d0=0x5 d1=0x400000\n");
    }

    @Test
    @DisplayName("§6 history: 3.1 has one exit record TRC_HVM_VMEXIT (0x00081002) for SVM and VMX, no VMENTRY record")
    void xen31() {
        String v = trace(vmx().xen(XenProfile.XEN_3_1));
        assertThat(v).contains("TRC_HVM_VMEXIT id=0x00081002 d0=0x0 d1=0x401000").doesNotContain("TRC_HVM_VMENTRY")
                .contains("TRC_HVM_PF_XEN id=0x00082001 d0=0x400000 d1=0x4");
    }

    @Test
    @DisplayName("§6 TRC_HVM_NPF: the u64 gpa as two words (low, high): a hole at gpa 0x100003000000")
    void npfHighGpa() {
        HvmFixture f = vmx().hap().mapGfn(0x800000, 0x100003000L, USER_RW);
        f.maxPhyAddr = 46;
        ScenarioRunner.Run r = f.run(step(read(0x800000)));
        assertThat(r.trace().render()).contains("TRC_HVM_NPF id=0x00082021 d0=0x3000000 d1=0x1000 ");
    }
}
