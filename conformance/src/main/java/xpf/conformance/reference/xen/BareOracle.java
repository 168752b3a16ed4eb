package xpf.conformance.reference.xen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.SortedMap;
import java.util.TreeMap;

import xpf.conformance.reference.EntryMemory;
import xpf.conformance.reference.ReferenceWalk;
import xpf.conformance.reference.WalkAnswer;
import xpf.conformance.reference.XenGuestWalk;
import xpf.model.scenario.ControlFlag;
import xpf.model.scenario.ControlWrite;
import xpf.model.scenario.CpuFeature;
import xpf.model.scenario.GuestAccess;
import xpf.model.scenario.IdtSpec;
import xpf.model.scenario.HostWrite;
import xpf.model.scenario.Hypercall;
import xpf.model.scenario.Invlpg;
import xpf.model.scenario.OutcomeClass;
import xpf.model.scenario.OutcomeFields;
import xpf.model.scenario.Step;
import xpf.model.x86.Access;
import xpf.model.x86.AccessKind;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PscEntryView;
import xpf.model.x86.TlbEntryView;
import xpf.model.x86.Vectors;
import xpf.model.xen.BareDomainView;
import xpf.model.xen.DomainView;

/**
 * The reference model of a bare domain (no Xen): the x86 outcome of each step from {@link BareDomainView}, written
 * from x86-paging.md. A guest access is decided in this order:
 * <ol>
 *   <li>{@code 1.1d} canonical check → #GP(0) / #SS(0);</li>
 *   <li>{@code 1.1f} TLB: an entry covering the page whose cached rights deny the access → #PF from the cached
 *       rights (P set, PK when the key denies); a write through an entry with D=0 re-walks; any other hit completes
 *       with the cached frame (a stale translation is used, §1.1f "old translation may keep being used");</li>
 *   <li>{@code 1.1f} paging-structure caches: predicted only when every cached entry for the address agrees with
 *       memory (then a walk gives the same answer), otherwise not modelled;</li>
 *   <li>the walk ({@link ReferenceWalk}, §1.1a-§1.1e) with the PAE PDPTE registers of the view;</li>
 *   <li>a read returns the bytes at the physical address.</li>
 * </ol>
 * A fault is an {@code exception} outcome, or, on a vCPU with an IDT, delivered through it ({@link GuestDelivery}).
 * A control-register write completes, except the PAE PDPTE load of a MOV CR3 in PAE mode, of a write entering PAE
 * paging or of a PGE/PSE/SMEP change in PAE paging ({@link #loadsPdptes}), which faults with #GP(0) when a present
 * PDPTE has a reserved bit (§1.1b, rule {@code 1.1b.pae-pdpte}).
 * docs/reference-model-hvm.md describes the model.
 */
public final class BareOracle implements OutcomeOracle {

    @Override
    public Prediction predict(DomainView before, Step step) {
        if (!(before instanceof BareDomainView d)) {
            return Prediction.notModelled("not a bare domain");
        }
        if (step.vcpu() < 0 || step.vcpu() >= d.vcpus().size()) {
            return Prediction.notModelled("no such vCPU");
        }
        BareDomainView.Vcpu v = d.vcpus().get(step.vcpu());
        try {
            return switch (step.op()) {
                case GuestAccess a -> access(d, v, a);
                case ControlWrite w -> controlWrite(d, v, w);
                case Invlpg i -> ok("1.1f", "INVLPG never faults (non-canonical or unmapped operands included)");
                case HostWrite h -> ok("1.1f", "memory changes behind the CPU; no TLB notices");
                case Hypercall h -> Prediction.notModelled("hypercalls on a bare domain");
            };
        } catch (RuntimeException e) {
            return Prediction.notModelled(HvmOracle.INTERNAL + e);
        }
    }

    private static Prediction ok(String rule, String why) {
        return new Prediction(OutcomeClass.OK, new LinkedHashMap<>(), rule, why);
    }

    /** The CPU feature a control bit needs before it may be set (x86-paging.md §1.0 controls), null for none. */
    static CpuFeature featureOf(ControlFlag f) {
        return switch (f) {
            case SMEP -> CpuFeature.SMEP;
            case SMAP -> CpuFeature.SMAP;
            case PKE -> CpuFeature.PKU;
            case PKS -> CpuFeature.PKS;
            case NXE -> CpuFeature.NX;
            default -> null;
        };
    }

    private static Prediction controlWrite(BareDomainView d, BareDomainView.Vcpu v, ControlWrite w) {
        PagingMode mode = w.mode() != null ? w.mode() : v.controls().mode();
        if (mode == PagingMode.LONG5 && !d.machine().has(CpuFeature.LA57)) {
            return Prediction.notModelled("5-level paging without LA57");
        }
        for (ControlFlag f : w.set()) {
            CpuFeature need = featureOf(f);
            if (need != null && !d.machine().has(need)) {
                return Prediction.notModelled("setting " + f + " without the CPU feature");
            }
        }
        if (mode == PagingMode.PAE && loadsPdptes(v.controls(), w)) {
            long cr3 = w.cr3() != null ? w.cr3() : v.controls().cr3();
            String bad = pdpteLoadFault(d.memory(), cr3, new CpuConfig(d.machine().vendor(),
                    d.machine().maxPhyAddr(), d.machine().has(CpuFeature.PAGE1GB)));
            if (bad != null) {
                // §1.1b: "Failures to load the PDPTE registers ... cause #GP(0) and not page-fault exceptions";
                // the write does not happen (the old CR3, mode and PDPTE registers stay)
                try {
                    BareRun run = new BareRun(d, v, (Integer) null);
                    return fault(run, Vectors.GP, 0, null, "1.1b.pae-pdpte", bad);
                } catch (NotModelled e) {
                    return Prediction.notModelled(e.getMessage());
                }
            }
            return ok("1.1b.pae-pdpte", "the PDPTE registers load (no present PDPTE has a reserved bit)");
        }
        return ok("1.1f", "a control-register write completes (TLB effects show in later steps' views)");
    }

    /**
     * Whether a control write that leaves PAE paging in use loads the PDPTE registers. SDM vol. 3 §4.4.1 ("PDPTE
     * Registers"): MOV to CR3 does; MOV to CR0 or CR4 does when it modifies any of CR0.CD, CR0.NW, CR0.PG, CR4.PAE,
     * CR4.PGE, CR4.PSE or CR4.SMEP (quoted in Linux commits cb957adb4ea4 and 427890aff855, "kvm: x86: Toggling
     * CR4.PKE / CR4.SMAP does not load PDPTEs in PAE mode"). A {@code mode} that names the mode already in force
     * changes none of them (finding bare-pae-pdpte-reload-reserved-nx, resolved 27 Nov: the reference loaded the
     * PDPTEs on any write naming {@code mode: pae}); entering PAE from another mode changes PG or PAE. CD and NW are
     * not in the scenario language; WP, SMAP, PKE, PKS, AC and EFER.NXE never load them.
     */
    static boolean loadsPdptes(PagingControls before, ControlWrite w) {
        if (w.cr3() != null || (w.mode() != null && w.mode() != before.mode())) {
            return true;
        }
        return toggles(w, ControlFlag.PGE, before.cr4Pge()) || toggles(w, ControlFlag.PSE, before.cr4Pse())
                || toggles(w, ControlFlag.SMEP, before.cr4Smep());
    }

    private static boolean toggles(ControlWrite w, ControlFlag f, boolean was) {
        return was ? w.clear().contains(f) : w.set().contains(f);
    }

    /**
     * The PDPTE load of a MOV CR3 in PAE mode, or of a MOV CR0/CR4 entering PAE paging (x86-paging.md §1.1b): the
     * four 8-byte entries at CR3[31:5] are read; the first present one with a reserved bit makes the load fail.
     * Returns why it fails, or null when it loads.
     */
    static String pdpteLoadFault(SortedMap<Long, Long> memory, long cr3, CpuConfig cpu) {
        long base = cr3 & 0xFFFF_FFE0L;
        long reserved = XenGuestWalk.pdpteLoadReserved(cpu);
        for (int i = 0; i < 4; i++) {
            Long e = memory.get(base + 8L * i);
            long pdpte = e == null ? 0 : e;
            if ((pdpte & 1) != 0 && (pdpte & reserved) != 0) {
                return "PDPTE " + i + " at 0x" + Long.toHexString(base + 8L * i) + " = 0x" + Long.toHexString(pdpte)
                        + " has reserved bits 0x" + Long.toHexString(pdpte & reserved)
                        + ": the PDPTE load fails with #GP(0)";
            }
        }
        return null;
    }

    private static Prediction access(BareDomainView d, BareDomainView.Vcpu v, GuestAccess a) {
        BareRun run;
        try {
            run = new BareRun(d, v, a);
        } catch (NotModelled e) {
            return Prediction.notModelled(e.getMessage());
        }
        PagingControls c = v.controls();
        long first = a.va() >>> 12;
        long last = (a.va() + a.size() - 1) >>> 12;
        if (c.mode() == PagingMode.LEGACY2 || c.mode() == PagingMode.PAE) {
            last = ((a.va() + a.size() - 1) & 0xFFFF_FFFFL) >>> 12;
            if (last < first) {
                return Prediction.notModelled("an access wrapping at 4 GiB");
            }
        }
        long[] pa = new long[(int) (last - first + 1)];
        for (long p = first; p <= last; p++) {
            long va = p == first ? a.va() : p << 12;
            HvmRun.Hw h;
            try {
                h = run.translate(va, a.kind(), run.cpl, a.implicit(), a.stack());
            } catch (NotModelled e) {
                return Prediction.notModelled(e.getMessage());
            }
            if (h.fault()) {
                return fault(run, h.vector(), h.ec(), h.vector() == Vectors.PF ? va : null, run.rule,
                        String.join("; ", run.why));
            }
            pa[(int) (p - first)] = h.machine();
        }
        SequencedMap<String, String> f = new LinkedHashMap<>();
        if (a.kind() == AccessKind.READ) {
            if (a.size() > 8) {
                return Prediction.notModelled("the value of a 16-byte read (the outcome's value holds 8 bytes)");
            }
            long value = 0;
            for (int i = 0; i < a.size(); i++) {
                long la = a.va() + i;
                long base = pa[(int) ((la >>> 12) - first)];
                value |= (long) run.readByte((base & ~0xFFFL) | (la & 0xFFF)) << (8 * i);
            }
            f.put("value", OutcomeFields.hex(value));
        }
        return new Prediction(OutcomeClass.OK, f, run.rule, String.join("; ", run.why));
    }

    /**
     * A fault of the access: reported as an {@code exception}, or, on a vCPU with an IDT, delivered by the processor
     * through it (§1.1g: faults during the delivery combine by SDM Table 6-5; a fault while delivering #DF is a
     * triple fault: the processor shuts down).
     */
    private static Prediction fault(BareRun run, int vector, int ec, Long cr2, String rule, String why) {
        SequencedMap<String, String> f = new LinkedHashMap<>();
        if (!run.v.idt()) {
            f.put("vector", Integer.toString(vector));
            f.put("error_code", OutcomeFields.errorCode(vector, ec));
            if (cr2 != null) {
                f.put("cr2", OutcomeFields.hex(cr2));
            }
            return new Prediction(OutcomeClass.EXCEPTION, f, rule, why);
        }
        if (run.v.idtSpec() == null) {
            return Prediction.notModelled("a bare vCPU with an IDT but no IDT details in the view");
        }
        HvmEvent ev = HvmEvent.hwException(vector, ec, HvmEvent.Origin.PROCESSOR, -1);
        long curCr2 = cr2 == null ? 0 : cr2;
        boolean pf = cr2 != null;
        try {
            for (int guard = 0; guard < 4; guard++) {
                GuestDelivery.Result r = GuestDelivery.deliver(run, ev);
                if (r.done()) {
                    HvmRun.Delivery dl = new HvmRun.Delivery(ev, ev.vector() == Vectors.PF ? curCr2 : null,
                            r.handler(), r.frame());
                    if (ev.vector() == Vectors.DF) {
                        f.put("vector", "8");
                        f.put("error_code", OutcomeFields.errorCode(8, 0));
                        if (pf) {
                            f.put("cr2", OutcomeFields.hex(curCr2));
                        }
                        HvmRun.deliveryFields(dl).forEach((k, val) -> f.put("delivery." + k, val));
                        return new Prediction(OutcomeClass.DOUBLE_FAULT, f, "1.1g", why + "; delivered #DF");
                    }
                    f.putAll(HvmRun.deliveryFields(dl));
                    return new Prediction(OutcomeClass.DELIVERED, f, rule.equals("1.1g") ? rule : rule + "+1.1g",
                            why + "; delivered through the IDT");
                }
                HvmRun.Hw h = r.fault();
                if (h.vector() == Vectors.PF) {
                    curCr2 = r.faultAddress();
                    pf = true;
                }
                ExceptionCombination.SdmRow row = ExceptionCombination.SdmRow.of(ev, h.vector());
                why += "; fault " + h.vector() + " while delivering " + ev.vector() + ": " + row;
                switch (row.result) {
                    case DOUBLE_FAULT -> ev = HvmEvent.hwException(8, 0, HvmEvent.Origin.PROCESSOR, -1);
                    case TRIPLE_FAULT -> {
                        // §1.1g: a fault while delivering #DF shuts the processor down (no hypervisor under it)
                        SequencedMap<String, String> tf = new LinkedHashMap<>();
                        tf.put("shutdown", "cpu_shutdown");
                        tf.put("cause", "fault while delivering #DF");
                        return new Prediction(OutcomeClass.TRIPLE_FAULT, tf, "1.1g", why + "; triple fault");
                    }
                    default -> ev = HvmEvent.hwException(h.vector(), HvmRun.hasErrorCode(h.vector()) ? h.ec() : null,
                            HvmEvent.Origin.PROCESSOR, -1);
                }
            }
        } catch (NotModelled e) {
            return Prediction.notModelled(e.getMessage());
        }
        return Prediction.notModelled("a delivery chain longer than the model follows");
    }

    /** One access of a bare vCPU: TLB, paging-structure caches, walk, memory; and the state a delivery uses. */
    static final class BareRun implements GuestDelivery.Cpu {
        final BareDomainView d;
        final BareDomainView.Vcpu v;
        final PagingControls c;
        final CpuConfig cpu;
        /** The A/D updates of this step's walks over the view's entries ({@link #entry}), by entry address. */
        final java.util.Map<Long, Long> entryWrites = new java.util.HashMap<>();
        /** The paging-structure entries as this step's walks read them: the view's, with {@link #entryWrites}. */
        final EntryMemory entries = this::entry;
        final long[] pdpteRegisters;
        final WalkAnswer walk = new WalkAnswer();
        final java.util.Map<Long, Integer> written = new java.util.HashMap<>();
        final int cpl;
        final int cs;
        final int ss;
        final boolean lm;
        final List<String> why = new java.util.ArrayList<>();
        /** Linear addresses whose #PF this step raised: x86-paging.md §1.1f "A #PF delivery itself invalidates the TLB
         * entry and the paging-structure-cache entries for the faulting LA", so the delivery's own accesses (IDT gate,
         * stack) walk memory for them. */
        final List<Long> invalidated = new java.util.ArrayList<>();
        String rule = "1.1c";

        BareRun(BareDomainView d, BareDomainView.Vcpu v, GuestAccess a) {
            this(d, v, a.cpl());
        }

        /** The vCPU with a step CPL ({@code null}: the vCPU's own, with its selectors). */
        BareRun(BareDomainView d, BareDomainView.Vcpu v, Integer stepCpl) {
            this.d = d;
            this.v = v;
            this.c = v.controls();
            this.cpu = new CpuConfig(d.machine().vendor(), d.machine().maxPhyAddr(),
                    d.machine().has(CpuFeature.PAGE1GB));
            this.pdpteRegisters = pdpteRegisters(v);
            this.lm = c.mode() == PagingMode.LONG4 || c.mode() == PagingMode.LONG5;
            this.cpl = stepCpl == null ? v.cpl() : stepCpl;
            if (stepCpl == null) {
                cs = v.cs();
                ss = v.ss();
            } else if (cpl == 0 || cpl == 3) {
                // a step's cpl sets the CPL with the flat selectors that go with it (64-bit: kernel 0x10/0x18,
                // user 0x33/0x2b; 32-bit: 0x08/0x10, 0x1b/0x23)
                cs = lm ? (cpl == 0 ? 0x10 : 0x33) : (cpl == 0 ? 0x08 : 0x1b);
                ss = lm ? (cpl == 0 ? 0x18 : 0x2b) : (cpl == 0 ? 0x10 : 0x23);
            } else {
                throw new NotModelled("a step CPL of " + cpl + " (selectors for rings 1-2)");
            }
        }

        /** One linear access: canonical check, TLB (§1.1f), paging-structure caches, walk. */
        HvmRun.Hw translate(long va, AccessKind kind, int accCpl, boolean implicit, boolean stack) {
            Access acc = new Access(va, kind, accCpl, implicit, stack);
            // §1.1d step 2: the canonical check comes before any TLB or walk
            if (!XenGuestWalk.canonical(c.mode(), va)) {
                why.add("non-canonical address 0x" + Long.toHexString(va));
                rule = "1.1d";
                return new HvmRun.Hw(true, stack ? Vectors.SS : Vectors.GP, 0, false, 0, null, false, 0);
            }
            TlbEntryView t = tlbHit(v, va);
            boolean flushed = false;
            for (long la : invalidated) {
                if (t != null && t.covers(la)) {
                    t = null;
                }
                flushed |= (la >>> 12) == (va >>> 12);
            }
            if (t != null) {
                String two = tlbTranslationsDiffer(v, va, t, invalidated);
                if (two != null) {
                    throw new NotModelled(two);
                }
                int ec = XenGuestWalk.cachedRightsFault(c, acc, t.user(), t.writable(), t.executeDisable(),
                        t.pkey());
                if (ec >= 0) {
                    why.add("the TLB entry's cached rights deny 0x" + Long.toHexString(va));
                    rule = "1.1f";
                    invalidated.add(va);
                    return HvmRun.Hw.pf(ec);
                }
                if (!(kind == AccessKind.WRITE && !t.dirty())) {
                    why.add("TLB hit at 0x" + Long.toHexString(va));
                    rule = "1.1f";
                    return HvmRun.Hw.ok(t.paBase() + (va - t.vaBase()));
                }
                why.add("a write through a TLB entry with D=0 re-walks");
            }
            String psc = flushed ? null : pscDisagrees(c, cpu, entries, v, va, acc);
            if (psc != null) {
                throw new NotModelled(psc);
            }
            WalkAnswer w = walk;
            ReferenceWalk.evaluate(cpu, c, entries, pdpteRegisters, acc, w);
            if (w.fault()) {
                if (w.vector() == Vectors.PF) {
                    invalidated.add(va);
                }
                why.add("walk: " + w.summary());
                rule = w.vector() == Vectors.PF ? "1.1b/1.1c" : "1.1b";
                return new HvmRun.Hw(true, w.vector(), w.errorCode(), false, 0, null, false, 0);
            }
            // A/D updates land in memory: a later page of the same access may walk through or read them
            int eb = c.mode().entryBytes();
            for (int k = 0; k < w.changedCount(); k++) {
                long address = w.changedAddress(k);
                long value = w.changedValue(k);
                entryWrites.put(address, value);
                for (int i = 0; i < eb; i++) {
                    written.put(address + i, (int) (value >>> (8 * i)) & 0xFF);
                }
            }
            why.add("walk ok at 0x" + Long.toHexString(va));
            return HvmRun.Hw.ok(w.pa());
        }

        /** The entry at {@code address} as this step's walks read it: an A/D update of the step, or the view's. */
        long entry(long address) {
            if (!entryWrites.isEmpty()) {
                Long w = entryWrites.get(address);
                if (w != null) {
                    return w;
                }
            }
            return BareOracle.entry(d.memory(), c.mode() == PagingMode.LEGACY2, address);
        }

        int readByte(long pa) {
            Integer b = written.get(pa);
            return b != null ? b : BareOracle.readByte(d.memory(), pa);
        }

        @Override
        public IdtSpec idt() {
            return v.idtSpec();
        }

        @Override
        public boolean longMode() {
            return lm;
        }

        @Override
        public int cpl() {
            return cpl;
        }

        @Override
        public int cs() {
            return cs;
        }

        @Override
        public int ss() {
            return ss;
        }

        @Override
        public long rip() {
            return v.rip();
        }

        @Override
        public long rsp() {
            return v.rsp();
        }

        @Override
        public long rflags() {
            return v.rflags();
        }

        @Override
        public HvmRun.Hw hardware(long va, AccessKind kind, boolean user, boolean implicit, int accCpl) {
            return translate(va, kind, accCpl, implicit, false);
        }

        @Override
        public long readBytes(long ma, int bytes) {
            long r = 0;
            for (int i = 0; i < bytes; i++) {
                r |= (long) readByte(ma + i) << (8 * i);
            }
            return r;
        }

        @Override
        public void writeBytes(long ma, int bytes, long value) {
            for (int i = 0; i < bytes; i++) {
                written.put(ma + i, (int) (value >>> (8 * i)) & 0xFF);
            }
        }
    }

    static TlbEntryView tlbHit(BareDomainView.Vcpu v, long va) {
        for (TlbEntryView t : v.tlb()) {
            if (t.covers(va)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Two TLB entries of different page sizes may cover one address after the guest changed the page size of a range
     * without invalidating all of it (a 4 KB entry cached before a PDE became a large page, or the other way round).
     * SDM vol. 3A §4.10.2.3 ("Details of TLB Use"): the TLBs may then hold a translation for each page size, a
     * reference may use any of them, and which one may vary from one execution to another and between
     * implementations. When the entries that cover {@code va} disagree (frame or cached rights), the model does not
     * decide which the processor uses: the reason, or null when they agree. Fuzz seed 21, try 895,230: a 4 KB user
     * entry for 0x600000 and a later 4 MB supervisor entry for 0x400000 that covers it.
     */
    static String tlbTranslationsDiffer(BareDomainView.Vcpu v, long va, TlbEntryView first,
            java.util.Collection<Long> invalidated) {
        for (TlbEntryView t : v.tlb()) {
            if (t == first || !t.covers(va) || invalidated.stream().anyMatch(t::covers)) {
                continue;
            }
            if (t.paBase() + (va - t.vaBase()) != first.paBase() + (va - first.vaBase()) || t.user() != first.user()
                    || t.writable() != first.writable() || t.executeDisable() != first.executeDisable()
                    || t.pkey() != first.pkey() || t.dirty() != first.dirty()) {
                return "two TLB entries (" + (first.pageSize() >>> 10) + " KB and " + (t.pageSize() >>> 10)
                        + " KB pages) translate 0x" + Long.toHexString(va) + " differently; which one the processor "
                        + "uses is implementation-specific (SDM vol. 3A §4.10.2.3)";
            }
        }
        return null;
    }

    /**
     * §1.1f paging-structure caches: for every cached entry that covers {@code va}, the walk of memory down to its
     * level must give the same next table and the same accumulated rights; if not, the answer depends on whether
     * the processor uses the cache, which the model does not decide. Returns the reason, or null when they agree.
     */
    static String pscDisagrees(PagingControls c, CpuConfig cpu, EntryMemory entries,
            BareDomainView.Vcpu v, long va, Access acc) {
        List<PscEntryView> psc = v.psc();
        if (psc.isEmpty()) {
            return null;
        }
        int[] shifts = switch (c.mode()) {
            case LEGACY2 -> new int[] {22, 12};
            case PAE -> new int[] {30, 21, 12};
            case LONG4 -> new int[] {39, 30, 21, 12};
            case LONG5 -> new int[] {48, 39, 30, 21, 12};
        };
        XenGuestWalk.Result w = null;
        for (PscEntryView e : psc) {
            if (e.levelIndex() < 0 || e.levelIndex() >= shifts.length || (va >>> shifts[e.levelIndex()]) != e.vaKey()) {
                continue;
            }
            if (w == null) {
                XenGuestWalk.GuestMemory mem = new XenGuestWalk.GuestMemory() {
                    @Override
                    public boolean tableFrameOk(long gfn) {
                        return true;
                    }

                    @Override
                    public long readEntry(long gpa, int bytes) {
                        return entries.read(gpa);
                    }
                };
                w = XenGuestWalk.walk(new XenGuestWalk.Config(XenGuestWalk.Variant.HARDWARE, cpu, false,
                        c.mode() == PagingMode.PAE ? v.pdpte() : null), c, mem, acc);
            }
            if (w.slots().size() <= e.levelIndex()) {
                return "a paging-structure-cache entry for a level memory no longer reaches";
            }
            XenGuestWalk.Slot s = w.slots().get(e.levelIndex());
            if ((s.value() & 1) == 0 || s.leaf()) {
                return "a paging-structure-cache entry whose memory entry is not present or is a leaf";
            }
            long next = c.mode() == PagingMode.LEGACY2 ? s.value() & 0xFFFF_F000L
                    : s.value() & ((1L << cpu.maxPhyAddr()) - 1) & ~0xFFFL;
            boolean u = true;
            boolean rw = true;
            boolean xd = false;
            for (int i = 0; i <= e.levelIndex(); i++) {
                long x = w.slots().get(i).value();
                if (c.mode() == PagingMode.PAE && i == 0) {
                    continue;
                }
                u &= (x & 4) != 0;
                rw &= (x & 2) != 0;
                xd |= x < 0;
            }
            boolean nxOn = c.mode() != PagingMode.LEGACY2 && c.eferNxe();
            if (next != e.nextTableBase() || u != e.user() || rw != e.writable()
                    || (nxOn && xd != e.executeDisable())) {
                return "a paging-structure-cache entry that differs from memory";
            }
        }
        return null;
    }

    /**
     * The paging-structure entry at {@code address} as the walk reads it from the view's {@code memory} (8-byte words
     * by address): the word there, or in 32-bit paging ({@code legacy}) the 4-byte entry there (the low half of the
     * word at the address, else the high half of the word 4 bytes below). The same value as {@link #entries} holds
     * at that address (0 where it holds none), read without building that map.
     */
    static long entry(SortedMap<Long, Long> memory, boolean legacy, long address) {
        if (!legacy) {
            Long w = memory.get(address);
            return w == null ? 0 : w;
        }
        Long low = memory.get(address);
        if (low != null && (low & 0xFFFF_FFFFL) != 0) {
            return low & 0xFFFF_FFFFL;
        }
        Long high = memory.get(address - 4);
        return high == null ? 0 : high >>> 32;
    }

    /**
     * The paging-structure entries as the walk reads them, as a map: 8-byte words, or 4-byte entries in 32-bit
     * paging ({@link #entry} reads one without building it).
     */
    static SortedMap<Long, Long> entries(BareDomainView d, BareDomainView.Vcpu v) {
        return entries(d.memory(), v.controls().mode() == PagingMode.LEGACY2);
    }

    static SortedMap<Long, Long> entries(SortedMap<Long, Long> memory, boolean legacy) {
        TreeMap<Long, Long> m = new TreeMap<>();
        for (var e : memory.entrySet()) {
            if (legacy) {
                long w = e.getValue();
                if ((w & 0xFFFF_FFFFL) != 0) {
                    m.put(e.getKey(), w & 0xFFFF_FFFFL);
                }
                if ((w >>> 32) != 0) {
                    m.put(e.getKey() + 4, w >>> 32);
                }
            } else {
                m.put(e.getKey(), e.getValue());
            }
        }
        // PAE: the PDPTE registers are not written over these entries: the walk takes them from the registers
        // (pdpteRegisters), and a walk that reaches the page-directory-pointer table as a lower-level table reads
        // what memory holds (finding bare-host-write-self-map-walk, resolved 27 Nov)
        return m;
    }

    /**
     * PAE: the vCPU's PDPTE registers, loaded at its last CR3 load (x86-paging.md §1.1a "4 PDPTE <em>registers</em>";
     * SDM vol. 3 §4.4.1: only MOV CR3 and the MOV CR0/CR4 writes listed there load them), which the walk uses
     * instead of memory; null outside PAE or when the view has no registers (the walk then loads them from memory).
     */
    static long[] pdpteRegisters(BareDomainView.Vcpu v) {
        if (v.controls().mode() != PagingMode.PAE || v.pdpte().size() < 4) {
            return null;
        }
        long[] r = new long[4];
        for (int i = 0; i < 4; i++) {
            r[i] = v.pdpte().get(i);
        }
        return r;
    }

    static int readByte(SortedMap<Long, Long> memory, long pa) {
        Long w = memory.get(pa & ~7L);
        return w == null ? 0 : (int) (w >>> (8 * (pa & 7))) & 0xFF;
    }
}
