package xpf.sim.xen.hvm;

import java.util.List;
import java.util.Set;
import java.util.SequencedMap;
import java.util.SortedMap;
import java.util.SortedSet;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.shadow.ShadowL1e;

/**
 * A plain-data snapshot of an HVM domain (docs/hvm-path.md "State view"), for invariants, the property suite and the
 * reference model: everything is a record, list or sorted map of primitives, so it compares with {@code equals} and
 * prints deterministically.
 *
 * @param end        why the domain stopped ({@code null} while alive): the terminal outcome's summary
 * @param shadows    shadow l1es by top-level shadow key (guest CR3 table address; -1 = unpaged) and linear page
 * @param pageTables shadowed guest page-table frames (machine frame → levels)
 */
public record HvmView(String domain, String kind, String paging, String profile, boolean alive, String end,
        List<Vcpu> vcpus, List<P2mEntry> p2m, SortedSet<Long> dirtyGfns,
        SortedMap<Long, SortedMap<Long, ShadowL1e>> shadows, SortedMap<Long, Set<Integer>> pageTables,
        List<Device> devices) {

    /**
     * One vCPU: paging mode, CR3, CPL, RIP/RSP/RFLAGS, CS/SS, Xen's {@code guest_cr[2]}, the CR2 the guest itself
     * reads ({@code cr2}), and every VMCB (SVM) or VMCS (VMX) field of the model by name.
     *
     * <p>{@code guestCr2} and {@code cr2} differ on VMX after a #PF the processor delivered without an exit (HAP):
     * %cr2 holds the new address while Xen's {@code guest_cr[2]} catches up only at the next VM exit
     * ({@code vmx_asm_vmexit_handler} reads %cr2 first). A guest handler sees {@code cr2}.
     */
    public record Vcpu(int id, String mode, long cr3, int cpl, long rip, long rsp, long rflags, int cs, int ss,
            long guestCr2, long cr2, SequencedMap<String, Long> arch) {
    }

    /** One emulated device: name, model, gfn and register values. */
    public record Device(String name, String model, long gfn, SortedMap<Integer, Long> registers) {
    }
}
