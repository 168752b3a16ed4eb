package xpf.conformance.reference.xen;

import java.util.List;
import java.util.Set;
import xpf.model.scenario.Errno;
import xpf.model.scenario.HypercallOp;
import xpf.model.scenario.HypercallOp.MmuUpdate;
import xpf.model.scenario.HypercallOp.MmuextOp;
import xpf.model.scenario.TrapInfoSpec;
import xpf.model.x86.AccessKind;
import xpf.model.x86.TlbEntryView;
import xpf.model.xen.PvDomainView;
import xpf.model.xen.PvDomainView.FrameType;

/**
 * The PV hypercalls' return codes (xen-pv-fault-path.md §4.6 {@code mmuext_op}, §4.7 {@code mmu_update} and
 * {@code update_va_mapping}, §5.1 {@code set_trap_table}, §1 {@code vm_assist}, §5.4 {@code HYPERVISOR_iret}):
 * batches run in order on the prediction's state and stop at the first failure with the count of completed requests.
 */
final class Hypercalls {

    static final long EINVAL = -Errno.EINVAL;

    private Hypercalls() {
    }

    static Decided predict(PvState s, xpf.model.scenario.Knobs knobs, HypercallOp op) {
        return switch (op) {
            case MmuUpdate m -> mmuUpdate(s, m);
            case MmuextOp m -> mmuextOp(s, m);
            case HypercallOp.UpdateVaMapping u -> updateVaMapping(s, u);
            case HypercallOp.SetTrapTable t -> setTrapTable(s, t);
            case HypercallOp.VmAssist v -> vmAssist(s, v);
            case HypercallOp.Iret i -> iret(s, knobs);
            case HypercallOp.Multicall m -> multicall(s, knobs, m);
        };
    }

    /** Xen 3.1 (§8.8): "errors collapsed to -EINVAL (plus -EFAULT/-ESRCH/-ENOSYS)". */
    static long collapse(PvState s, long rc) {
        if (rc < 0 && s.has(XenVersionTable.ERRNO_COLLAPSED) && rc != -Errno.ENOSYS && rc != -Errno.ESRCH
                && rc != -Errno.EFAULT) {
            return EINVAL;
        }
        return rc;
    }

    /**
     * {@code foreigndom}'s FD (§4.7): DOMID_SELF is the caller, DOMID_IO the I/O owner; a domain that does not exist
     * is -ESRCH ("bad FD/PFD"). Naming an existing other domain (or itself) involves XSM permission rules the
     * reference does not give: not modelled.
     */
    static Integer pgOwner(PvState s, int foreignDom) {
        int fd = foreignDom & 0xFFFF;
        if ((foreignDom >>> 16) != 0) {
            throw new NotModelled("a page-table owner (PFD) in foreigndom");
        }
        if (fd == PvDomainView.DOMID_SELF) {
            return s.domid;
        }
        if (fd == PvDomainView.DOMID_IO) {
            return PvDomainView.DOMID_IO;
        }
        if (fd == s.domid || fd == PvDomainView.DOMID_XEN || s.domainExists(fd)) {
            throw new NotModelled("foreign domain d" + fd + ": XSM permission rules are not in the reference");
        }
        return null;   // -ESRCH
    }

    // ------------------------------------------------------------------------- §4.7 mmu_update

    static Decided mmuUpdate(PvState s, MmuUpdate m) {
        Integer pgOwner = pgOwner(s, m.foreignDom());
        if (pgOwner == null) {
            return Decided.hypercall("mmu_update", -Errno.ESRCH, 0, "pv.4.7", "bad FD → -ESRCH");
        }
        int done = 0;
        String rule = "pv.4.7";
        for (MmuUpdate.Request r : m.requests()) {
            int cmd = (int) (r.ptr() & 7);
            long addr = r.ptr() & ~7L;
            EntryUpdates.Result res = switch (cmd) {
                case 0, 2, 3 -> normal(s, addr, r.val(), pgOwner, cmd == 2);
                case 1 -> machphys(s, addr, pgOwner);
                default -> new EntryUpdates.Result(-Errno.ENOSYS, "pv.4.7");
            };
            if (!res.ok()) {
                // "stop at the first failure; *pdone += number completed"
                return Decided.hypercall("mmu_update", collapse(s, res.rc()), done, res.rule(),
                        "request " + done + " refused");
            }
            done++;
            rule = res.rule();
        }
        return Decided.hypercall("mmu_update", 0, done, rule, "every request done");
    }

    /**
     * §4.7 NORMAL update: the frame holding the entry must be the caller's; with {@code page_lock} (validated, type
     * count &gt; 0) dispatch on its type; without, a plain store if a writable type can be taken, else -EINVAL.
     */
    static EntryUpdates.Result normal(PvState s, long addr, long val, int pgOwner, boolean preserveAd) {
        long mfn = addr >>> 12;
        PvState.Frame f = s.frame(mfn);
        if (f == null || f.owner != s.domid) {
            return new EntryUpdates.Result(EINVAL, "pv.4.7");   // "not RAM-rw → -EINVAL"
        }
        if (f.typeCount > 0 && !f.validated) {
            throw new NotModelled("mmu_update into a partially validated table");
        }
        if (f.typeCount > 0) {
            int level = f.type.level();
            if (level == 1) {
                return EntryUpdates.modL1(s, addr, val, pgOwner, preserveAd);
            }
            if (level > 1) {
                if (pgOwner != s.domid) {
                    return new EntryUpdates.Result(EINVAL, "pv.4.7");   // "only if FD==PFD, else -EINVAL"
                }
                if (preserveAd) {
                    throw new NotModelled("MMU_PT_UPDATE_PRESERVE_AD on an upper-level table");
                }
                EntryUpdates.Result res = EntryUpdates.modUpper(s, level, addr, mfn, val);
                if (res.ok() && s.has(XenVersionTable.FASTPATH_WHITELIST)) {
                    s.flushNonGlobal();   // "After any successful L2+ change: TLB flush ... (XSA-286)"
                }
                return res;
            }
            if (f.type == FrameType.WRITABLE) {
                s.writeWord(addr, val);   // "currently-writable page → plain store"
                return new EntryUpdates.Result(0, "pv.4.7");
            }
            return new EntryUpdates.Result(EINVAL, "pv.4.7");   // "other types (seg-desc…) → -EINVAL"
        }
        // "If page_lock fails (type count 0) and a writable type can be taken → plain store"
        f.type = FrameType.WRITABLE;
        f.validated = true;
        f.paeXenL2 = false;
        s.writeWord(addr, val);
        return new EntryUpdates.Result(0, "pv.4.7");
    }

    /** §4.7 MMU_MACHPHYS_UPDATE: the frame must be owned by FD (-EINVAL). */
    static EntryUpdates.Result machphys(PvState s, long addr, int pgOwner) {
        PvState.Frame f = s.frame(addr >>> 12);
        if (f == null || f.owner != pgOwner) {
            return new EntryUpdates.Result(EINVAL, "pv.4.7");
        }
        return new EntryUpdates.Result(0, "pv.4.7");
    }

    // ------------------------------------------------------------------------- §4.7 update_va_mapping

    /**
     * {@code update_va_mapping(va, val, flags)}: the L1 entry of {@code va} found through Xen's linear page table of
     * the loaded tables ({@code map_guest_l1e}: L2 present and not a superpage); the L1 must be the domain's, locked
     * and of type L1 (else -EINVAL); then {@code mod_l1_entry}. A failed update flushes nothing (XSA-279).
     */
    static Decided updateVaMapping(PvState s, HypercallOp.UpdateVaMapping u) {
        if (s.pv32() && Long.compareUnsigned(u.va(), 0xFFFFFFFFL) > 0) {
            throw new NotModelled("a 32-bit guest's update_va_mapping of an address above 4 GiB (compat ABI)");
        }
        long scope = u.flags() & ~3L;
        if (scope != 0 && scope != 4) {
            throw new NotModelled("update_va_mapping with a vCPU-mask pointer in flags");
        }
        long[] l2 = Hardware.linearEntry(s, s.cr3(), u.va(), 2, s.tlb());
        if (l2 == null || (l2[1] & (EntryFlags.P | EntryFlags.PS_PAT)) != EntryFlags.P) {
            return Decided.hypercall("update_va_mapping", EINVAL, null, "pv.4.7", "no L1 table maps the address");
        }
        long l1mfn = EntryFlags.mfn(l2[1]);
        PvState.Frame f = s.frame(l1mfn);
        if (f == null || f.owner != s.domid || f.typeCount == 0 || !f.validated || f.type != FrameType.L1) {
            return Decided.hypercall("update_va_mapping", EINVAL, null, "pv.4.7", "the L1 is not a locked L1 table");
        }
        long pteAddr = (l1mfn << 12) | (((u.va() >>> 12) & 0x1FF) << 3);
        EntryUpdates.Result r = EntryUpdates.modL1(s, pteAddr, u.val(), s.domid, false);
        if (r.ok()) {
            switch ((int) (u.flags() & 3)) {
                case 1 -> s.flushNonGlobal();   // UVMF_TLB_FLUSH
                case 2 -> s.invlpg(u.va());     // UVMF_INVLPG
                default -> {
                }
            }
        }
        return Decided.hypercall("update_va_mapping", collapse(s, r.rc()), null, r.rule(),
                r.ok() ? "entry updated" : "mod_l1_entry refused");
    }

    // ------------------------------------------------------------------------- §4.6 mmuext_op

    static Decided mmuextOp(PvState s, MmuextOp m) {
        Integer pgOwner = pgOwner(s, m.foreignDom());
        if (pgOwner == null) {
            return Decided.hypercall("mmuext_op", -Errno.ESRCH, 0, "pv.4.6", "bad FD → -ESRCH");
        }
        int done = 0;
        for (MmuextOp.Request r : m.ops()) {
            EntryUpdates.Result res = ext(s, r, pgOwner);
            if (!res.ok()) {
                return Decided.hypercall("mmuext_op", collapse(s, res.rc()), done, res.rule(),
                        "op " + done + " (cmd " + r.cmd() + ") refused");
            }
            done++;
        }
        return Decided.hypercall("mmuext_op", 0, done, "pv.4.6", "every op done");
    }

    private static EntryUpdates.Result rc(long rc) {
        return new EntryUpdates.Result(rc, "pv.4.6");
    }

    /** The {@code __addr_ok} range: below the canonical hole's upper half start or at/above Xen's range end. */
    static boolean addrOk(long va) {
        return Long.compareUnsigned(va, 1L << 47) < 0
                || Long.compareUnsigned(va, Hardware.HYPERVISOR_VIRT_END) >= 0;
    }

    /** One {@code MMUEXT_*} command (§4.6). */
    static EntryUpdates.Result ext(PvState s, MmuextOp.Request r, int pgOwner) {
        boolean self = pgOwner == s.domid;
        switch (r.cmd()) {
            case 0, 1, 2, 3 -> {
                // MMUEXT_PIN_L1_TABLE..PIN_L4_TABLE
                if (r.cmd() == 3 && s.pv32()) {
                    return rc(0);   // "L4 pin is ignored for 32-bit guests"
                }
                PvState.Frame f = s.frame(r.arg1());
                if (f == null || f.owner != pgOwner || !self) {
                    if (!self) {
                        throw new NotModelled("pinning for another page owner");
                    }
                    return rc(EINVAL);   // "not owned → -EINVAL"
                }
                f.count++;
                long t = PageTypes.getType(s, f, FrameType.pageTable(r.cmd() + 1), false);
                if (t != 0) {
                    f.count--;
                    return rc(t);
                }
                if (f.pinned) {
                    PageTypes.putPageAndType(s, f);
                    return rc(EINVAL);   // "already pinned → -EINVAL"
                }
                f.pinned = true;
                s.effects.put("frame." + PvState.hex(f.mfn) + ".pinned", "true");
                return rc(0);
            }
            case 4 -> {
                // MMUEXT_UNPIN_TABLE
                PvState.Frame f = s.frame(r.arg1());
                if (!self) {
                    throw new NotModelled("unpinning for another page owner");
                }
                if (f == null || f.owner != pgOwner || !f.pinned) {
                    return rc(EINVAL);   // "not pinned → -EINVAL"
                }
                f.pinned = false;
                PageTypes.putPageAndType(s, f);
                s.effects.put("frame." + PvState.hex(f.mfn) + ".pinned", "false");
                return rc(0);
            }
            case 5 -> {
                // MMUEXT_NEW_BASEPTR: "FD≠self → -EPERM"; the frame must obtain a root type reference
                if (!self) {
                    return rc(-Errno.EPERM);
                }
                return newBase(s, r.arg1(), false);
            }
            case 15 -> {
                // MMUEXT_NEW_USER_BASEPTR (64-bit): "same for guest_table_user (0 allowed = none)"
                if (!self) {
                    return rc(-Errno.EPERM);
                }
                if (s.pv32()) {
                    return rc(EINVAL);
                }
                return newBase(s, r.arg1(), true);
            }
            case 6, 7, 10, 11 -> {
                // TLB_FLUSH_LOCAL, INVLPG_LOCAL, TLB_FLUSH_ALL, INVLPG_ALL
                if (!self) {
                    return rc(-Errno.EPERM);
                }
                if (r.cmd() == 6 || r.cmd() == 10) {
                    s.flushNonGlobal();
                } else if (Hardware.canonical(r.arg1())) {
                    s.invlpg(r.arg1());
                }
                return rc(0);
            }
            case 12 -> {
                // FLUSH_CACHE: a domain without I/O resources may not flush caches
                if (!self) {
                    return rc(-Errno.EPERM);
                }
                return rc(s.ioCapable() ? 0 : (s.xen31() ? EINVAL : -Errno.EACCES));
            }
            case 13 -> {
                // SET_LDT: page-aligned linear address in guest space, at most 8192 entries
                if (!self) {
                    return rc(-Errno.EPERM);
                }
                long ents = r.arg2() & 0xFFFFFFFFL;
                long ptr = r.arg1();
                if (ents == 0 && ((ptr & 0xFFF) != 0 || !addrOk(ptr))) {
                    throw new NotModelled("SET_LDT with 0 entries and an unusable base (argument rules not given)");
                }
                if ((ptr & 0xFFF) != 0 || !addrOk(ptr) || ents > 8192) {
                    return rc(EINVAL);
                }
                s.ldtBase = ptr;
                s.ldtEnts = (int) ents;
                s.effects.put("vcpu.ldt_base", PvState.hex(ptr));
                s.effects.put("vcpu.ldt_ents", Long.toString(ents));
                return rc(0);
            }
            case 16, 17 -> {
                if (s.xen31()) {
                    throw new NotModelled("MMUEXT_CLEAR_PAGE/COPY_PAGE on Xen 3.1");
                }
                if (!self) {
                    throw new NotModelled("CLEAR_PAGE/COPY_PAGE for another page owner");
                }
                if (r.cmd() == 17) {
                    PvState.Frame src = s.frame(r.arg2());
                    if (src == null || src.owner != pgOwner) {
                        return rc(EINVAL);
                    }
                }
                PvState.Frame dst = s.frame(r.arg1());
                if (dst == null || dst.owner != pgOwner
                        || (dst.typeCount > 0 && dst.type != FrameType.WRITABLE)) {
                    return rc(EINVAL);   // needs a writable type reference
                }
                for (int i = 0; i < 512; i++) {
                    long a = (r.arg1() << 12) + 8L * i;
                    long v = r.cmd() == 17 ? s.word((r.arg2() << 12) + 8L * i) : 0;
                    if (s.word(a) != v) {
                        s.writeWord(a, v);
                    }
                }
                return rc(0);
            }
            case 19, 20 -> {
                // MARK_SUPER / UNMARK_SUPER: "(obsolete)"; the superpage support they belonged to "existed
                // 2009–2017" (§4.5), after 3.1 and before today: an unknown command in both profiles
                return new EntryUpdates.Result(-Errno.ENOSYS, "pv.4.5");
            }
            case 8, 9, 18 -> throw new NotModelled("MMUEXT command " + r.cmd()
                    + " (vCPU masks / global cache flush: not in the reference)");
            default -> {
                return rc(-Errno.ENOSYS);   // unknown command
            }
        }
    }

    /** §4.6 {@code new_guest_cr3}: the same frame is a no-op; else a root type reference (L4; 32-bit PV: L3). */
    static EntryUpdates.Result newBase(PvState s, long mfn, boolean user) {
        long current = user ? s.guestTableUser : s.guestTable;
        if (user && mfn == 0) {
            s.guestTableUser = 0;
            if (current != 0 && s.frame(current) != null) {
                PageTypes.putPageAndType(s, s.frame(current));
            }
            return rc(0);
        }
        if (mfn == current) {
            if (!user && !s.pv32() && s.vcpu.kernelMode()) {
                s.loadCr3(s.cr3());   // the same base is loaded again (a CR3 write: non-global entries go)
            }
            return rc(0);
        }
        FrameType root = s.pv32() ? FrameType.L3 : FrameType.L4;
        long rc = PageTypes.getPageAndType(s, mfn, root, false);
        if (rc != 0) {
            return rc(rc);
        }
        if (user) {
            s.guestTableUser = mfn;
        } else {
            s.guestTable = mfn;
            // "destroys the LDT shadow mappings, loads CR3, drops the old base's ref"
            for (long f : s.vcpu.ldtShadow()) {
                if (f != 0 && s.frame(f) != null) {
                    PageTypes.putPageAndType(s, s.frame(f));
                }
            }
            if (!s.pv32() && s.vcpu.kernelMode()) {
                s.loadCr3(mfn << 12);
            }
        }
        if (current != 0 && s.frame(current) != null) {
            PageTypes.putPageAndType(s, s.frame(current));
        }
        s.effects.put(user ? "vcpu.guest_table_user" : "vcpu.guest_table", PvState.hex(mfn));
        return rc(0);
    }

    // ------------------------------------------------------------------------- §5.1 set_trap_table

    static Decided setTrapTable(PvState s, HypercallOp.SetTrapTable t) {
        if (t.nullHandle()) {
            return Decided.hypercall("set_trap_table", 0, null, "pv.5.1", "null handle: virtual IDT cleared");
        }
        for (TrapInfoSpec e : t.entries()) {
            if (e.address() == 0) {
                break;   // "read entries until one with address == 0 (sentinel)"
            }
            if (s.pv32() && Long.compareUnsigned(e.address(), 0xFFFFFFFFL) > 0) {
                throw new NotModelled("a 32-bit guest registering a handler above 4 GiB");
            }
            if (!s.pv32() && s.has(XenVersionTable.SET_TRAP_TABLE_CANONICAL) && !Hardware.canonical(e.address())) {
                return Decided.hypercall("set_trap_table", EINVAL, null, "pv.5.1",
                        "non-canonical handler (XSA-7)");
            }
        }
        return Decided.hypercall("set_trap_table", 0, null, s.xen31() ? "pv.8.7" : "pv.5.1", "entries copied");
    }

    // ------------------------------------------------------------------------- vm_assist

    /**
     * {@code vm_assist(cmd, type)}: an unknown type is -EINVAL, then enable (0) / disable (1), else -ENOSYS. The
     * valid types are Xen's VM_ASSIST_VALID (public xen.h; the reference names only 2, 4 and 32): today 0-5 and 32
     * (m2p_strict: 64-bit guests only), 3.1 0-3.
     */
    static Decided vmAssist(PvState s, HypercallOp.VmAssist v) {
        Set<Integer> valid = s.xen31() ? Set.of(0, 1, 2, 3)
                : s.pv32() ? Set.of(0, 1, 2, 3, 4, 5) : Set.of(0, 1, 2, 3, 4, 5, 32);
        if (!valid.contains(v.type())) {
            return Decided.hypercall("vm_assist", EINVAL, null, "pv.1", "unknown vm_assist type " + v.type());
        }
        if (v.cmd() != 0 && v.cmd() != 1) {
            return Decided.hypercall("vm_assist", -Errno.ENOSYS, null, "pv.1", "unknown vm_assist command");
        }
        if (v.type() == 2) {
            if (v.cmd() == 0) {
                s.vmAssist.add("writable_pagetables");
            } else {
                s.vmAssist.remove("writable_pagetables");
            }
        }
        return Decided.hypercall("vm_assist", 0, null, "pv.1", "assist " + (v.cmd() == 0 ? "enabled" : "disabled"));
    }

    // ------------------------------------------------------------------------- §5.4 HYPERVISOR_iret

    /**
     * §5.4 "returns with HYPERVISOR_iret (frame {RAX, R11, RCX, flags, RIP, CS, RFLAGS, RSP, SS}) ... toggles to
     * user mode if CS RPL==3 (domain crash if no user L4 or the frame cannot be read)". When the vCPU runs on a
     * bounce frame Xen pushed, the guest convention applies: the handler pops RCX, R11 (and the error code) and the
     * RIP..SS words of that frame are the iret frame's; otherwise the whole frame is read at RSP. 32-bit guests:
     * {EAX, EIP, CS, EFLAGS[, ESP, SS]}, a return to ring 0 crashes the domain.
     */
    static Decided iret(PvState s, xpf.model.scenario.Knobs knobs) {
        long cr3 = s.cr3();
        List<TlbEntryView> tlb = s.tlb();
        List<PvDomainView.HandlerFrame> frames = s.vcpu.handlerFrames();
        PvDomainView.HandlerFrame h = frames.isEmpty() ? null : innermost(s, frames);
        if (s.pv32()) {
            return iret32(s, knobs, cr3, tlb, h);
        }
        long ripAt;
        if (h != null) {
            ripAt = h.bottom() + (h.errorCode() ? 24 : 16);
            Decided push = guestPush64(s, knobs, h, ripAt - 32);
            if (push != null) {
                return push;
            }
        } else {
            for (int i = 0; i < 4; i++) {
                if (!readable(s, cr3, tlb, s.vcpu.rsp() + 8L * i, 8)) {
                    return Decided.crash("iret_frame_unreadable", "pv.5.4", "iret frame cannot be read");
                }
            }
            ripAt = s.vcpu.rsp() + 32;
        }
        long[] w = new long[5];   // RIP, CS, RFLAGS, RSP, SS
        for (int i = 0; i < 5; i++) {
            Hardware.XenRead r = Hardware.xenRead(s, cr3, ripAt + 8L * i, 8, tlb);
            if (!r.ok()) {
                return Decided.crash("iret_frame_unreadable", "pv.5.4", "iret frame cannot be read");
            }
            w[i] = r.value();
        }
        long cs = w[1];
        if ((cs & 3) == 3 && s.guestTableUser == 0) {
            return Decided.crash("iret_no_user_pt", "pv.5.4", "return to user mode without user page tables");
        }
        // "restores evtchn_upcall_mask := !RFLAGS.IF, forces CS/SS RPL 3, toggles to user mode if CS RPL==3"
        s.iretReturn = new Delivery.Interrupted(w[0], (int) (cs | 3), (w[2] & ~(Delivery.IOPL | (1L << 17)))
                | Delivery.IF, w[3], (int) (w[4] | 3), s.vcpu.rcx(), s.vcpu.r11(), (cs & 3) != 3,
                (w[2] & Delivery.IF) == 0 ? 1 : 0);
        return Decided.hypercall("iret", 0, null, "pv.5.4", "returned to the interrupted context");
    }

    /**
     * The guest convention's own work before the hypercall: the handler builds the iret frame's first words (64-bit:
     * RAX, R11, RCX, flags below RIP; 32-bit: EAX below EIP) with an ordinary store of its own, which can fault like
     * any guest store (then that #PF is the step's outcome, through the whole fault path).
     */
    /**
     * The 64-bit convention's pushes, one 8-byte store each, highest address first: the guest's own {@code pushq $0}
     * (flags) then the hypercall page's {@code push %rcx; push %r11; push %rax; syscall}
     * ({@code pv_ring3_init_hypercall_page}, xen/arch/x86/pv/hypercall.c, 4.22 HEAD). An 8-byte push to a read-only
     * mapped L1 is a guest-kernel write ptwr can emulate (§2.3 d); a 32-byte store would never be (triage of
     * seed21-oracle.class--pv64_hypercall_emulated).
     */
    private static Decided guestPush64(PvState s, xpf.model.scenario.Knobs knobs, PvDomainView.HandlerFrame h,
            long va) {
        long[] words = {s.vcpu.rax(), h.r11(), h.rcx(), 0L};   // at va, va+8, va+16, va+24
        for (int i = words.length - 1; i >= 0; i--) {
            Decided d = guestPush(s, knobs, h, va + 8L * i, 8, words[i], va);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private static Decided guestPush(PvState s, xpf.model.scenario.Knobs knobs, PvDomainView.HandlerFrame h,
            long va, int size) {
        return guestPush(s, knobs, h, va, size, 0L, va);
    }

    private static Decided guestPush(PvState s, xpf.model.scenario.Knobs knobs, PvDomainView.HandlerFrame h,
            long va, int size, long value, long frameRsp) {
        int cpl = PvOracle.guestCpl(s);
        // the handler has popped RCX and R11 (and the error code) and moved its stack to the frame it builds
        var v = s.vcpu;
        s.contextOverride = new Delivery.Interrupted(v.rip(), v.cs(), v.rflags(), frameRsp, v.ss(), h.rcx(), h.r11(),
                v.kernelMode(), v.upcallMask());
        xpf.model.x86.Access hw = new xpf.model.x86.Access(va, AccessKind.WRITE, cpl, false, true);
        Hardware.Pieces p = Hardware.guest(s, hw, size);
        if (p.ok()) {
            if (s.view.logDirty()) {
                throw new NotModelled("the guest's iret-frame store under log-dirty shadow paging");
            }
            s.contextOverride = null;
            return null;
        }
        Hardware.Translation t = p.fault();
        if (t.vector() != xpf.model.x86.Vectors.PF) {
            return Delivery.deliver(s, knobs, t.vector(), 0, null, "1.1d");
        }
        xpf.model.scenario.GuestAccess store = new xpf.model.scenario.GuestAccess(va, AccessKind.WRITE, size, value,
                null, false, true, xpf.model.scenario.Insn.MOV, null);
        return FaultPath.handle(new FaultPath.Pf(s, knobs, store, hw, t.errorCode(),
                t.cr2()));
    }

    private static PvDomainView.HandlerFrame innermost(PvState s, List<PvDomainView.HandlerFrame> frames) {
        for (PvDomainView.HandlerFrame h : frames) {
            if (h.bottom() == s.vcpu.rsp()) {
                return h;
            }
        }
        throw new NotModelled("iret with handler frames but RSP not at one of them");
    }

    private static Decided iret32(PvState s, xpf.model.scenario.Knobs knobs, long cr3, List<TlbEntryView> tlb, PvDomainView.HandlerFrame h) {
        long fb;
        if (h != null) {
            fb = (h.bottom() + (h.errorCode() ? 4 : 0) - 4) & 0xFFFFFFFFL;   // pops the error code, pushes EAX
            Decided push = guestPush(s, knobs, h, fb, 4);
            if (push != null) {
                return push;
            }
        } else {
            fb = s.vcpu.rsp() & 0xFFFFFFFFL;
            if (!readable(s, cr3, tlb, fb, 4)) {
                return Decided.crash("iret_frame_unreadable", "pv.5.4", "iret frame cannot be read");
            }
        }
        long[] w = new long[3];
        for (int i = 0; i < 3; i++) {
            Hardware.XenRead r = Hardware.xenRead(s, cr3, fb + 4 + 4L * i, 4, tlb);
            if (!r.ok()) {
                return Decided.crash("iret_frame_unreadable", "pv.5.4", "iret frame cannot be read");
            }
            w[i] = r.value();
        }
        long cs = w[1];
        long eflags = w[2];
        if ((eflags & (1L << 17)) != 0) {
            throw new NotModelled("compat iret to VM86 mode");
        }
        if ((cs & 3) == 0) {
            return Decided.crash("iret_to_ring0", "pv.5.4", "compat iret to ring 0");
        }
        long esp = fb + 16;
        long ss = s.vcpu.ss();
        if ((cs & 3) != 1) {
            long[] w2 = new long[2];
            for (int i = 0; i < 2; i++) {
                Hardware.XenRead r = Hardware.xenRead(s, cr3, fb + 16 + 4L * i, 4, tlb);
                if (!r.ok()) {
                    return Decided.crash("iret_frame_unreadable", "pv.5.4", "iret frame cannot be read");
                }
                w2[i] = r.value();
            }
            esp = w2[0];
            ss = w2[1];
        }
        s.iretReturn = new Delivery.Interrupted(w[0], (int) cs, (eflags & ~Delivery.IOPL) | Delivery.IF, esp,
                (int) ss, 0, 0, (cs & 3) == 1, (eflags & Delivery.IF) == 0 ? 1 : 0);
        return Decided.hypercall("iret", 0, null, "pv.5.4", "returned to the interrupted context");
    }

    private static boolean readable(PvState s, long cr3, List<TlbEntryView> tlb, long addr, int size) {
        for (int i = 0; i < size; i++) {
            if (Hardware.xen(s, cr3, addr + i, AccessKind.READ, tlb).fault()) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------- multicall

    /**
     * {@code HYPERVISOR_multicall}: the calls run in order on the same state. Only the all-succeed case is
     * predicted (0, done = number of calls): what a multicall reports when one call fails is not in the reference.
     */
    static Decided multicall(PvState s, xpf.model.scenario.Knobs knobs, HypercallOp.Multicall m) {
        int done = 0;
        for (HypercallOp c : m.calls()) {
            if (c instanceof HypercallOp.Iret || c instanceof HypercallOp.Multicall) {
                throw new NotModelled("iret / nested multicall inside a multicall");
            }
            Decided d = predict(s, knobs, c);
            if (!(d.outcome() instanceof xpf.model.scenario.Outcome.HypercallReturned h) || h.rc() != 0) {
                throw new NotModelled("multicall whose call " + done + " fails (" + d.outcome().summary() + ")");
            }
            done++;
        }
        return Decided.hypercall("multicall", 0, done, "pv.4.7", "every call done");
    }
}
