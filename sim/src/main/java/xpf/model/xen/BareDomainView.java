package xpf.model.xen;

import java.util.List;
import java.util.SortedMap;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.MachineSpec;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PscEntryView;
import xpf.model.x86.TlbEntryView;

/**
 * A bare-metal domain (no Xen): physical memory and each vCPU's controls, CPL, PAE PDPTE registers, TLB and
 * paging-structure caches.
 *
 * @param memory every non-zero 8-byte word of physical memory, by address
 */
public record BareDomainView(String domain, MachineSpec machine, boolean alive, SortedMap<Long, Long> memory,
        List<Vcpu> vcpus) implements DomainView {

    /**
     * One vCPU. {@code idt} tells whether faults are delivered through a guest IDT (else reported as exceptions);
     * {@code idtSpec} is that IDT (base, gates as loaded, TSS rsp0 and IST stacks; the gates also sit in memory) and
     * {@code rip}, {@code rsp}, {@code rflags}, {@code cs}, {@code ss} the registers a delivery pushes.
     */
    public record Vcpu(int id, PagingControls controls, int cpl, List<Long> pdpte, List<TlbEntryView> tlb,
            List<PscEntryView> psc, boolean idt, IdtSpec idtSpec, long rip, long rsp, long rflags, int cs, int ss) {
        public Vcpu {
            pdpte = List.copyOf(pdpte);
            tlb = List.copyOf(tlb);
            psc = List.copyOf(psc);
        }

        /** A vCPU without the delivery state (no IDT details, registers 0). */
        public Vcpu(int id, PagingControls controls, int cpl, List<Long> pdpte, List<TlbEntryView> tlb,
                List<PscEntryView> psc, boolean idt) {
            this(id, controls, cpl, pdpte, tlb, psc, idt, null, 0, 0, 0, 0, 0);
        }
    }

    public BareDomainView {
        // A memory snapshot (MemoryWords) is immutable already: shared, not copied.
        memory = FrozenSortedMap.copyOf(memory);
        vcpus = List.copyOf(vcpus);
    }
}
