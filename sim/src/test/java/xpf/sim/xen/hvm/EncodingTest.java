package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.sim.xen.hvm.svm.IntInfo;
import xpf.sim.xen.hvm.svm.Svm;
import xpf.sim.xen.hvm.svm.SvmExitCode;
import xpf.sim.xen.hvm.vmx.IntrInfo;
import xpf.sim.xen.hvm.vmx.Vmx;

/** §1.2 / §2.2 encodings: EVENTINJ/EXITINTINFO, VMX interruption information, intercept configuration. */
class EncodingTest {

    @Test
    @DisplayName("hvm.1.2 EVENTINJ: vector 7:0, type 10:8, EV 11, V 31, error code 63:32")
    void eventinj() {
        IntInfo pf = IntInfo.of(HvmEvent.pageFault(PfErrorCode.W | PfErrorCode.U, 0x500000));
        assertThat(pf.encode()).isEqualTo(0x0000_0006_8000_0B0EL);
        assertThat(IntInfo.decode(0x0000_0006_8000_0B0EL)).isEqualTo(pf);
        assertThat(IntInfo.of(HvmEvent.hwException(Vectors.DF, 0)).encode()).isEqualTo(0x8000_0B08L);
        assertThat(IntInfo.of(new HvmEvent(0x30, EventType.EXT_INTR, null, null)).encode()).isEqualTo(0x8000_0030L);
        assertThat(IntInfo.of(new HvmEvent(2, EventType.NMI, null, null)).encode()).isEqualTo(0x8000_0202L);
        assertThat(IntInfo.of(new HvmEvent(0x80, EventType.SW_INT, null, null)).encode()).isEqualTo(0x8000_0480L);
    }

    @Test
    @DisplayName("hvm.1.2 SVM has no types 5/6: ICEBP, INT3/INTO are injected as type 3")
    void svmSoftwareExceptions() {
        assertThat(IntInfo.of(new HvmEvent(1, EventType.PRIV_SW_EXC, null, null)).type()).isEqualTo(3);
        assertThat(IntInfo.of(new HvmEvent(3, EventType.SW_EXC, null, null)).type()).isEqualTo(3);
    }

    @Test
    @DisplayName("hvm.1.2 exit codes: #PF 0x4E = 0x40 + 14, #DF 0x48, SHUTDOWN 0x7F, NPF 0x400")
    void exitCodes() {
        assertThat(SvmExitCode.exception(Vectors.PF)).isEqualTo(0x4E).isEqualTo(SvmExitCode.VMEXIT_EXCEPTION_PF);
        assertThat(SvmExitCode.exception(Vectors.DF)).isEqualTo(SvmExitCode.VMEXIT_EXCEPTION_DF);
        assertThat(SvmExitCode.VMEXIT_SHUTDOWN).isEqualTo(0x7F);
        assertThat(SvmExitCode.VMEXIT_NPF).isEqualTo(0x400);
    }

    @Test
    @DisplayName("hvm.2.2 interruption info: #PF exit and injection 0x80000B0E, #DF 0x80000B08, types 5/6 kept")
    void vmxIntrInfo() {
        assertThat(IntrInfo.of(HvmEvent.pageFault(6, 0)).encode()).isEqualTo(0x80000B0EL);
        assertThat(IntrInfo.of(HvmEvent.hwException(Vectors.DF, 0)).encode()).isEqualTo(0x80000B08L);
        assertThat(IntrInfo.of(new HvmEvent(3, EventType.SW_EXC, null, null)).encode()).isEqualTo(0x80000603L);
        assertThat(IntrInfo.decode(0x80001B0EL)).isEqualTo(new IntrInfo(14, 3, true, true));
        assertThat(IntrInfo.RESVD_BITS_MASK).isEqualTo(0x7FFFF000);
    }

    @Test
    @DisplayName("hvm.1.1 construct_vmcb: #PF intercepted only under shadow; HVM_TRAP_MASK #DB|#AC|#MC (XSA-156)")
    void svmIntercepts() {
        HvmDomain shadow = (HvmDomain) HvmFixture.svm().run().domains().get("guest");
        Svm s = (Svm) shadow.vcpu(0).arch();
        assertThat(s.vmcb().exceptionIntercepts).isEqualTo((1 << 1) | (1 << 17) | (1 << 18) | (1 << 14));
        assertThat(s.vmcb().npEnable).isFalse();
        assertThat(s.vmcb().cr3Intercepts).isTrue();
        HvmDomain hap = (HvmDomain) HvmFixture.svm().hap().run().domains().get("guest");
        Svm h = (Svm) hap.vcpu(0).arch();
        assertThat(h.vmcb().exceptionIntercepts).isEqualTo((1 << 1) | (1 << 17) | (1 << 18));
        assertThat(h.vmcb().npEnable).isTrue();
        assertThat(h.intercepts(Vectors.PF, 0)).isFalse();
    }

    @Test
    @DisplayName("hvm.2.1 construct_vmcs: bitmap has #PF under shadow, PFEC mask/match 0/0 ⇒ every #PF exits")
    void vmxBitmapAndPfecRule() {
        HvmDomain d = (HvmDomain) HvmFixture.vmx().run().domains().get("guest");
        Vmx x = (Vmx) d.vcpu(0).arch();
        assertThat(x.vmcs().exceptionBitmap).isEqualTo((1L << 1) | (1L << 17) | (1L << 18) | (1L << 14));
        assertThat(x.vmcs().pfecMask).isZero();
        assertThat(x.vmcs().pfecMatch).isZero();
        for (int ec = 0; ec < 32; ec++) {
            assertThat(x.intercepts(Vectors.PF, ec)).isTrue();
        }
        // SDM rule: (PFEC & MASK) == MATCH obeys bit 14, otherwise its opposite.
        x.vmcs().pfecMask = PfErrorCode.P;
        x.vmcs().pfecMatch = PfErrorCode.P;
        assertThat(x.intercepts(Vectors.PF, PfErrorCode.P | PfErrorCode.W)).isTrue();
        assertThat(x.intercepts(Vectors.PF, PfErrorCode.W)).isFalse();
        x.vmcs().exceptionBitmap &= ~(1L << 14);
        assertThat(x.intercepts(Vectors.PF, PfErrorCode.P)).isFalse();
        assertThat(x.intercepts(Vectors.PF, PfErrorCode.W)).isTrue();
    }

    @Test
    @DisplayName("hvm.8 xen-3.1 intercepts only #MC besides #PF (no XSA-156 #DB/#AC)")
    void xen31TrapMask() {
        HvmDomain d = (HvmDomain) HvmFixture.svm().xen(xpf.model.scenario.XenProfile.XEN_3_1).run().domains()
                .get("guest");
        assertThat(((Svm) d.vcpu(0).arch()).vmcb().exceptionIntercepts).isEqualTo((1 << 18) | (1 << 14));
    }
}
