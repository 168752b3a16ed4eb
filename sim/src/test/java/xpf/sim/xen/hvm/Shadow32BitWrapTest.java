package xpf.sim.xen.hvm;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.xen.hvm.HvmFixture.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.scenario.OutcomeClass;
import xpf.model.x86.PagingMode;
import xpf.sim.scenario.ScenarioRunner;

/**
 * Outside IA-32e mode linear addresses are 32 bits (x86-paging.md; SDM Vol. 3A §3.3): an address computed past
 * 4 GiB wraps. The shadow code keys its shadows, vTLB and prefetch by the 32-bit frame number then
 * ({@code sh_page_fault}'s {@code va} is an {@code unsigned long} the hardware filled with the 32-bit CR2).
 */
class Shadow32BitWrapTest {

    @Test
    @DisplayName("hvm.3 PAE guest: an access at 4 GiB + 0x400000 is the access at 0x400000 (shadowed under the 32-bit "
            + "frame, then no fault); the prefetched neighbour is keyed by its 32-bit frame too")
    void paeWrapsAt4GiB() {
        long wrapped = 0x1_0000_0000L + DATA_VA;
        ScenarioRunner.Run r = svm().mode(PagingMode.PAE).map(DATA_VA, "data", USER_RW)
                .map(DATA_VA + 0x1000, "data", USER_RW).mem("data", 0, 0x1111)
                .run(step(read(wrapped)), step(read(DATA_VA)), step(read(DATA_VA + 0x1000)));
        Expect.step(r, 0, OutcomeClass.FIXED, "fixup", "shadow_fixup");
        Expect.step(r, 1, OutcomeClass.OK, "value", "0x1111");
        Expect.step(r, 2, OutcomeClass.OK, "value", "0x1111");
        HvmDomain d = (HvmDomain) r.domains().get("guest");
        var shadows = d.view().shadows().get(d.vcpu(0).shadowRoot());
        assertThat(shadows).containsKeys(DATA_VA >>> 12, (DATA_VA >>> 12) + 1).doesNotContainKey(wrapped >>> 12);
    }
}
