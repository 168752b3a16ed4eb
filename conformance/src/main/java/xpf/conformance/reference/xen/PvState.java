package xpf.conformance.reference.xen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import xpf.conformance.reference.EntryMemory;
import xpf.conformance.reference.WalkAnswer;
import xpf.model.scenario.XenProfile;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PscEntryView;
import xpf.model.x86.TlbEntryView;
import xpf.model.xen.PvDomainView;
import xpf.model.xen.PvDomainView.FrameType;

/**
 * The state one prediction works on: the view before the step (never modified) plus a private overlay of the frame
 * table, machine memory and the few vCPU/domain fields hypercalls change, so that the requests of one batch
 * ({@code mmu_update}, {@code mmuext_op}, {@code multicall}) see the effects of the earlier ones. Every overlay write
 * is also recorded as an intended effect.
 */
final class PvState {

    /** A mutable copy of one frame-table entry (§1 "Per machine frame"). */
    static final class Frame {
        final long mfn;
        int owner;
        long count;
        FrameType type;
        long typeCount;
        boolean validated;
        boolean pinned;
        int linearCount;
        boolean paeXenL2;

        Frame(PvDomainView.Frame f) {
            this.mfn = f.mfn();
            this.owner = f.owner();
            this.count = f.count();
            this.type = f.type();
            this.typeCount = f.typeCount();
            this.validated = f.validated();
            this.pinned = f.pinned();
            this.linearCount = f.linearCount();
            this.paeXenL2 = f.paeXenL2();
        }
    }

    final PvDomainView view;
    final PvDomainView.Vcpu vcpu;
    final XenProfile profile;
    final int domid;
    private final TreeMap<Long, Long> writes = new TreeMap<>();
    private final Map<Long, Frame> frames = new HashMap<>();
    /** The intended effects, in the order they happen (see docs/reference-model-pv.md "Intended effects"). */
    final SequencedMap<String, String> effects = new LinkedHashMap<>();
    /** The enabled {@code vm_assist} types: the view's, with this step's {@code HYPERVISOR_vm_assist} changes. */
    final OverlaySet<String> vmAssist;
    long guestTable;
    long guestTableUser;
    long ldtBase;
    int ldtEnts;
    private long cr3;
    private List<TlbEntryView> tlb;
    private List<PscEntryView> psc;
    /** A page-table type was de-validated in this step: whether TLBs were flushed then is not in the reference. */
    boolean devalidated;
    /** The guest context a fault interrupts when it is not the vCPU's saved one (the iret convention's store). */
    Delivery.Interrupted contextOverride;
    /** The context {@code HYPERVISOR_iret} returns to, once predicted (for the event check on return, §5.3). */
    Delivery.Interrupted iretReturn;

    /** The processor of the machine, for walks ({@link Hardware#cpu}). */
    final CpuConfig cpu;
    /**
     * Machine memory with this prediction's writes applied, as the walks read it ({@link #word}): the overlay is
     * read through, never copied into a map per walk.
     */
    final EntryMemory entries = this::word;
    /** The controls of Xen's last access ({@link Hardware#xenControls}), kept for the next one with the same CR3. */
    xpf.model.x86.PagingControls xenControls;
    /** The answer of the last walk ({@link Hardware#walk}); read it before the next walk starts. */
    final WalkAnswer walk = new WalkAnswer();

    PvState(PvDomainView view, PvDomainView.Vcpu vcpu) {
        this.view = view;
        this.vcpu = vcpu;
        this.profile = view.machine().xen();
        this.domid = view.domid();
        this.vmAssist = new OverlaySet<>(view.vmAssist());
        this.guestTable = vcpu.guestTable();
        this.guestTableUser = vcpu.guestTableUser();
        this.ldtBase = vcpu.ldtBase();
        this.ldtEnts = vcpu.ldtEnts();
        this.cr3 = vcpu.controls().cr3();
        this.tlb = vcpu.tlb();
        this.psc = vcpu.psc();
        this.cpu = Hardware.cpu(view.machine());
    }

    // ---------------------------------------------------------------------------------------------- CR3 and TLB

    /** CR3 as loaded now (a step may load a new base pointer). */
    long cr3() {
        return cr3;
    }

    /** The vCPU's TLB as it is now: the view's, minus what this step's flushes removed (§1.1f). */
    List<TlbEntryView> tlb() {
        return tlb;
    }

    List<PscEntryView> psc() {
        return psc;
    }

    /** MOV CR3: a new root; non-global TLB entries and every paging-structure cache entry go (§1.1f). */
    void loadCr3(long value) {
        cr3 = value;
        flushNonGlobal();
    }

    void flushNonGlobal() {
        tlb = without(tlb, e -> !e.global());
        psc = List.of();
    }

    /** INVLPG: the page's entries, global ones included, and all paging-structure caches (§1.1f). */
    void invlpg(long va) {
        tlb = without(tlb, e -> e.covers(va));
        psc = List.of();
    }

    /**
     * A #PF invalidates the TLB entries for the faulting address's page and the paging-structure-cache entries that
     * would be used to translate it (SDM vol. 3 §4.10.4.1; x86-paging.md §1.1f "A #PF delivery itself invalidates the
     * TLB entry and the paging-structure-cache entries for the faulting LA"), before Xen's handler runs: Xen's own
     * later access to that address (a sub-word ptwr write reading the whole PTE, §3.2) walks the tables in memory.
     */
    void pageFault(long la) {
        tlb = without(tlb, e -> e.covers(la));
        psc = without(psc, p -> Hardware.pscEntryFor(p, la));
    }

    /**
     * {@code list} without the elements {@code drop} matches, in order (unmodifiable); {@code list} itself when
     * nothing matches (the usual case: a flush that finds nothing to drop copies nothing).
     */
    static <T> List<T> without(List<T> list, Predicate<? super T> drop) {
        for (int i = 0; i < list.size(); i++) {
            if (drop.test(list.get(i))) {
                List<T> kept = new ArrayList<>(list.size() - 1);
                kept.addAll(list.subList(0, i));
                for (int j = i + 1; j < list.size(); j++) {
                    T e = list.get(j);
                    if (!drop.test(e)) {
                        kept.add(e);
                    }
                }
                return Collections.unmodifiableList(kept);
            }
        }
        return list;
    }

    boolean has(XenVersionTable row) {
        return row.in(profile);
    }

    boolean xen31() {
        return profile == XenProfile.XEN_3_1;
    }

    boolean pv32() {
        return view.pv32();
    }

    // ---------------------------------------------------------------------------------------------- memory

    /** The 8-byte word at {@code addr} (8-aligned machine address). */
    long word(long addr) {
        if (!writes.isEmpty()) {
            Long w = writes.get(addr);
            if (w != null) {
                return w;
            }
        }
        Long v = view.memory().get(addr);
        return v == null ? 0 : v;
    }

    /** {@code size} bytes at any machine address, little-endian. */
    long read(long pa, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            long a = pa + i;
            long b = (word(a & ~7L) >>> (8 * (a & 7))) & 0xFF;
            v = (v << 8) | b;
        }
        return v;
    }

    void writeWord(long addr, long value) {
        writes.put(addr, value);
        effects.put("mem." + hex(addr), hex(value));
    }

    // ---------------------------------------------------------------------------------------------- frames

    /** The frame-table entry of {@code mfn}, or null when nobody owns it. */
    Frame frame(long mfn) {
        Frame f = frames.get(mfn);
        if (f == null) {
            PvDomainView.Frame v = view.frames().get(mfn);
            if (v == null) {
                return null;
            }
            if (v.count() < 0 || v.typeCount() < 0) {
                // only page tables changed behind Xen's back (host writes) and then de-validated get here
                throw new NotModelled("negative reference counts on frame 0x" + Long.toHexString(mfn));
            }
            f = new Frame(v);
            frames.put(mfn, f);
        }
        return f;
    }

    /** The owner of {@code mfn}, or -1 for nobody. */
    int owner(long mfn) {
        Frame f = frame(mfn);
        return f == null ? -1 : f.owner;
    }

    /** Whether some frame of the machine belongs to domain {@code id}. */
    boolean domainExists(int id) {
        for (PvDomainView.Frame f : view.frames().values()) {
            if (f.owner() == id) {
                return true;
            }
        }
        return false;
    }

    /** The machine frames of RAM: below 2^(MAXPHYADDR-12). Frames at or above are never RAM (§3.3 rule 2). */
    boolean ram(long mfn) {
        return mfn >= 0 && mfn < (1L << (view.machine().maxPhyAddr() - 12));
    }

    /** The domain may map this I/O frame (iomem_caps). */
    boolean iomemPermitted(long mfn) {
        return view.iomemFrames().contains(mfn);
    }

    /**
     * Cache flushes and cache attributes are allowed for domains with I/O resources (§3.3 rule 1 "Domains allowed to
     * flush caches (I/O-capable)"): the view's {@code iomem_caps} (I/O ports and passed-through devices are not part
     * of the modelled machine, so the hardware domain is I/O-capable only through its iomem frames).
     */
    boolean ioCapable() {
        return !view.iomemFrames().isEmpty();
    }

    boolean assist(String type) {
        return vmAssist.contains(type);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
