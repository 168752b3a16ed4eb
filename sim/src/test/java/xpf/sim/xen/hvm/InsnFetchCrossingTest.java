package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.Insn;
import xpf.model.scenario.OutcomeClass;
import xpf.model.x86.AccessKind;
import xpf.sim.scenario.ScenarioRunner;

/**
 * {@code hvmemul_insn_fetch} (xen/arch/x86/hvm/emulate.c, 4.22) for an instruction whose bytes cross a page: the
 * bytes are read with {@code hvm_fetch_from_guest_linear}, which walks each page with PFEC_insn_fetch (and
 * PFEC_user_mode at CPL 3); the first page that does not translate is the emulator's #PF, with that page's linear
 * address as CR2 ({@code __hvm_copy}'s pagefault info is the address of the page being copied), injected by
 * {@code hvm_emulate_one_insn}. xen-hvm-fault-path.md §5.2 step 6 / §3 F2b-mmio.
 */
class InsnFetchCrossingTest {
    static final long MMIO_VA = 0x700000;
    static final long MMIO_GFN = 0x2000;

    static GuestAccess fetch(long va, int size, int cpl) {
        return new GuestAccess(va, AccessKind.FETCH, size, null, cpl, false, false, Insn.LOAD, null);
    }

    @ParameterizedTest
    @EnumSource(value = DomainKind.class, names = {"HVM_SVM", "HVM_VMX"})
    @DisplayName("hvm.5.2.6 a 3-byte instruction at the end of a device page whose next page is not mapped: the fetch "
            + "of the second page faults: #PF(I|U), CR2 = the second page's address (not the instruction's)")
    void secondPageNotMapped(DomainKind k) {
        ScenarioRunner.Run r = of(k).hap().mapGfn(MMIO_VA, MMIO_GFN, USER_RW).device("dev", "regs", MMIO_GFN)
                .run(step(fetch(MMIO_VA + 0xffe, 3, 3)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "U|I", "cr2", "0x701000");
        assertThat(r.trace().render()).contains("hvmemul_insn_fetch va=0x701000 result=EXCEPTION pfec=20");
    }

    @Test
    @DisplayName("hvm.5.2.6 the same at CPL 0: PFEC_user_mode is not set: #PF(I), CR2 the second page")
    void secondPageNotMappedKernel() {
        ScenarioRunner.Run r = svm().cpl(0).hap().mapGfn(MMIO_VA, MMIO_GFN, KERNEL_RW).device("dev", "regs", MMIO_GFN)
                .run(step(fetch(MMIO_VA + 0xfff, 2, 0)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "14", "error_code", "I", "cr2", "0x701000");
    }

    @Test
    @DisplayName("hvm.5.2.6 an instruction ending on the device page's last byte needs no second page: its bytes are "
            + "MMIO, handle_mmio fails ⇒ #GP(0)")
    void endsOnLastByte() {
        ScenarioRunner.Run r = svm().hap().mapGfn(MMIO_VA, MMIO_GFN, USER_RW).device("dev", "regs", MMIO_GFN)
                .run(step(fetch(MMIO_VA + 0xffd, 3, 3)));
        Expect.step(r, 0, OutcomeClass.INJECTED, "vector", "13", "error_code", "0");
        assertThat(r.trace().render()).doesNotContain("hvmemul_insn_fetch");
    }
}
