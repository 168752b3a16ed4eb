package xpf.model.xen;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SortedMap;
import java.util.SortedSet;
import xpf.model.scenario.DomainKind;
import xpf.model.scenario.HvmPaging;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.MachineSpec;
import xpf.model.scenario.OutcomeClass;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;

/**
 * An HVM domain's state as plain data (docs/reference-model-hvm.md "The view"): what the reference model of Xen's
 * HVM fault paths (xen-hvm-fault-path.md) needs to predict a step, and nothing that has behaviour.
 *
 * @param kind       {@code HVM_SVM} or {@code HVM_VMX}
 * @param paging     shadow paging or HAP (NPT/EPT)
 * @param end        why the domain stopped (its terminal outcome), null while it is alive
 * @param params     the HVM params the scenario set (e.g. {@code triple_fault_reason}), by name
 * @param host       host-side state that changes while the domain runs, by name ({@code unshare_fails}: 1 while
 *                   unsharing a frame finds no memory; a mem-sharing helper may free some)
 * @param p2m        the p2m entries, by gfn (every gfn not listed is {@code invalid})
 * @param dirtyGfns  gfns logged dirty (log-dirty mode)
 * @param memory     every non-zero 8-byte word of machine memory, by machine address (guest-physical memory is read
 *                   through {@link #p2m})
 * @param shadows    shadow paging: the shadow l1es the hardware would reach, by top-level shadow key (the guest CR3's
 *                   table address; -1 for the unpaged identity table) then linear page number
 * @param pageTables shadow paging: guest page-table frames that have shadows (machine frame → guest levels)
 * @param devices    the emulated MMIO devices
 * @param vcpus      the vCPUs
 */
public record HvmDomainView(String domain, MachineSpec machine, boolean alive, DomainKind kind, HvmPaging paging,
        End end, SortedMap<String, Long> params, SortedMap<String, Long> host, List<P2m> p2m, SortedSet<Long> dirtyGfns,
        SortedMap<Long, Long> memory, SortedMap<Long, SortedMap<Long, Shadow>> shadows,
        SortedMap<Long, SortedSet<Integer>> pageTables, List<Device> devices, List<Vcpu> vcpus)
        implements DomainView {

    public HvmDomainView {
        // Frozen maps and sets (and memory snapshots) never change: they are shared, everything else is copied.
        params = FrozenSortedMap.copyOf(params);
        host = FrozenSortedMap.copyOf(host);
        p2m = List.copyOf(p2m);
        dirtyGfns = FrozenSortedSet.copyOf(dirtyGfns);
        memory = FrozenSortedMap.copyOf(memory);
        if (!frozenValues(shadows)) {
            SortedMap<Long, SortedMap<Long, Shadow>> given = shadows;
            shadows = FrozenSortedMap.build(sh -> {
                for (Map.Entry<Long, SortedMap<Long, Shadow>> e : given.entrySet()) {
                    sh.put(e.getKey(), FrozenSortedMap.copyOf(e.getValue()));
                }
            });
        }
        if (!frozenValues(pageTables)) {
            SortedMap<Long, SortedSet<Integer>> given = pageTables;
            pageTables = FrozenSortedMap.build(pt -> {
                for (Map.Entry<Long, SortedSet<Integer>> e : given.entrySet()) {
                    pt.put(e.getKey(), FrozenSortedSet.copyOf(e.getValue()));
                }
            });
        }
        devices = List.copyOf(devices);
        vcpus = List.copyOf(vcpus);
    }

    /** Whether {@code m} is frozen and so is every value of it (a frozen map or set). */
    private static boolean frozenValues(SortedMap<Long, ?> m) {
        if (!FrozenSortedMap.isFrozen(m)) {
            return false;
        }
        for (Object v : m.values()) {
            if (!FrozenSortedMap.isFrozen(v) && !(v instanceof FrozenSortedSet<?>)) {
                return false;
            }
        }
        return true;
    }

    /** The terminal outcome of a domain that stopped: its class and its fields (as {@code Outcome.fields()}). */
    public record End(OutcomeClass outcome, SequencedMap<String, String> fields) {
        public End {
            fields = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(fields));
        }
    }

    /**
     * One p2m entry: gfn → mfn (-1 = {@code INVALID_MFN}) with its type's wire name ({@code ram_rw}, {@code mmio_dm},
     * ...; xen-hvm-fault-path.md §5.2 list) and the device behind an {@code mmio_dm} frame (null otherwise).
     */
    public record P2m(long gfn, long mfn, String type, String device) {
    }

    /**
     * One shadow l1e as the hardware uses it: {@code sl1e} is the entry (frame | flags with the effective rights of
     * the whole shadow walk, or a "magic" value with reserved bits set), {@code gfn}/{@code mfn} what it maps (-1 for
     * magic entries), {@code gl1e} the guest entry it was propagated from, {@code fl1} whether it splinters a guest
     * superpage, {@code tableMfns} the guest page-table frames (machine frames) of the walk it was built from
     * (unshadowing one of them drops it).
     */
    public record Shadow(long vpn, long sl1e, long gfn, long mfn, long gl1e, boolean fl1, List<Long> tableMfns) {
        public Shadow {
            tableMfns = List.copyOf(tableMfns);
        }
    }

    /** One emulated MMIO device: name, model ({@code regs}, {@code counter}, {@code uart}, ...), gfn, registers. */
    public record Device(String name, String model, long gfn, SortedMap<Integer, Long> registers) {
        public Device {
            registers = FrozenSortedMap.copyOf(registers);
        }
    }

    /**
     * One vCPU: the guest's paging mode (null when paging is off), controls (CR0.WP, CR4.*, EFER.NXE, EFLAGS.AC, PKRU,
     * CR3), CPL, RIP/RSP/RFLAGS, CS/SS, the PAE PDPTE registers, Xen's {@code guest_cr[2]}, the guest IDT (base, gates
     * as loaded, TSS rsp0 and IST stacks; null if none; the gates also sit in guest memory) and every VMCB (SVM) or
     * VMCS (VMX) field of the model by Xen's name ({@code exitcode}, {@code eventinj}, {@code exit_int_info},
     * {@code cr2}, ... / {@code entry_intr_info}, {@code idt_vectoring_info}, {@code hw_cr2}, ...), and Xen's
     * software state of the vCPU that outlives an exit ({@code xen}: Xen 3.1's deferred re-queue, SVM
     * {@code deferred_exit_int_info}, VMX {@code deferred_idtv}, {@code deferred_idtv_error_code},
     * {@code vector_injected}; under shadow paging the fast-emulation state {@code last_write_emul_ok},
     * {@code last_emulated_frame}, {@code last_emulated_mfn}, and the vTLB slot of that frame
     * {@code last_emulated_vtlb_live}, {@code last_emulated_vtlb_gfn}).
     */
    public record Vcpu(int id, PagingMode mode, PagingControls controls, int cpl, long rip, long rsp, long rflags,
            int cs, int ss, List<Long> pdpte, long guestCr2, IdtSpec idt, SequencedMap<String, Long> arch,
            SequencedMap<String, Long> xen) {
        public Vcpu {
            pdpte = List.copyOf(pdpte);
            arch = FrozenSequencedMap.copyOf(arch);
            xen = FrozenSequencedMap.copyOf(xen);
        }

        /** A field of Xen's software state by name, 0 if absent. */
        public long xenField(String name) {
            Long v = xen.get(name);
            return v == null ? 0 : v;
        }

        /** A VMCB/VMCS field by name, 0 if the model has no such field. */
        public long field(String name) {
            Long v = arch.get(name);
            return v == null ? 0 : v;
        }
    }

    /** Whether this is an SVM domain (else VMX). */
    public boolean svm() {
        return kind == DomainKind.HVM_SVM;
    }
}
