package xpf.sim.xen.mm.shadow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import xpf.model.scenario.GuestAccess;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vectors;
import xpf.sim.domain.NotModelled;
import xpf.sim.trace.Trace;
import xpf.sim.x86.EntryBits;
import xpf.sim.x86.EntryLevel;
import xpf.sim.x86.PhysicalMemory;
import xpf.sim.xen.Xen;
import xpf.sim.xen.XenFunction;
import xpf.sim.xen.emul.EmulEvent;
import xpf.sim.xen.emul.EmulOps;
import xpf.sim.xen.emul.EmulResult;
import xpf.sim.xen.emul.X86Emulate;
import xpf.sim.xen.mm.PagingProfile;
import xpf.sim.xen.mm.p2m.P2m;
import xpf.sim.xen.mm.p2m.P2mEntry;
import xpf.sim.xen.mm.p2m.P2mType;
import xpf.sim.xen.mm.walk.GuestWalk;
import xpf.sim.xen.mm.walk.GuestWalker;

/**
 * Xen's shadow paging for one HVM domain (xen/arch/x86/mm/shadow/{multi,common,hvm}.c): the page-fault handler
 * {@code sh_page_fault} in the order of xen-hvm-fault-path.md §3 (fast paths F1/F2, guest walk F4-F7, gfn checks
 * F9, write-access removal F12, shadow creation F14, propagation F16, then PT-write emulation F17 / MMIO F18 /
 * read-only types F19 / CR0.WP=0 emulation F20 / fixed F21, with the emulation steps E2-E12), propagation of guest
 * entries into shadows ({@code _sh_propagate}, §3.3), validation of emulated page-table writes, prefetch, and the
 * CR3 / INVLPG / paging-mode hooks.
 *
 * <p>Simplifications, stated once: out-of-sync L1s (OOS) are compiled in but no L1 is ever unsynced (F2a, F15 and
 * resyncs never trigger; F6 applies); the vTLB (F10) holds only the entry of the fault being handled (the emulator's
 * translations of the faulting page hit it; entries of earlier faults are not kept); the recursive-lock check (F3)
 * and the concurrent-change re-walks (F13) have nothing to do single-threaded; the early-unshadow heuristic and the
 * PAE "emulate up to four more instructions" (E11) are not modelled; single-step (E10) never happens.
 */
public final class ShadowPaging {

    /** {@code fetch_type_t}: how a shadow entry is being made. */
    public enum FetchType { DEMAND_READ, DEMAND_WRITE, PREFETCH }

    /** What {@link #shPageFault} did. */
    public enum Kind {
        /** Fixed silently (return 1): the guest retries. */
        FIXED,
        /** The instruction was emulated (return 1). */
        EMULATED,
        /** The emulator raised an exception, already injected with {@code hvm_inject_event} (return 1). */
        INJECTED,
        /** Not a shadow fault (return 0): the caller injects #PF with {@code errorCode}. */
        PROPAGATE,
        /** The domain was crashed (return 0). */
        CRASHED
    }

    /**
     * The handler's result: Xen's return value ({@code EXCRET_fault_fixed} 1 or 0), {@code regs->error_code} as the
     * handler left it (what the caller injects when rc is 0), what happened, the fixup name of
     * docs/hvm-path.md, and the value an emulated read produced.
     */
    public record Result(int rc, int errorCode, Kind kind, String fixup, Long value) {
        static Result propagate(int ec) {
            return new Result(0, ec, Kind.PROPAGATE, null, null);
        }

        static Result fixed(int ec, String fixup) {
            return new Result(1, ec, Kind.FIXED, fixup, null);
        }
    }

    /** Why the emulator runs. */
    private enum EmulateCause {
        PT_WRITE("pt_write"), RO_TYPE("ro_discard"), WP0("wp0_write");

        final String fixup;

        EmulateCause(String fixup) {
            this.fixup = fixup;
        }
    }

    /** SHOPT_FAST_EMULATION state of one vCPU ({@code v->arch.paging.last_write_emul_ok} etc.). */
    private static final class FastEmulation {
        boolean lastWriteEmulOk;
        long frame;
        long mfn;
        /**
         * The vTLB still holds the entry for {@code frame} that F10 made (shadow/private.h: a cache of the
         * translations seen "since the last TLB flush", {@value #VTLB_ENTRIES} slots hashed by page number). A guest
         * TLB flush ({@code sh_update_cr3}, {@code sh_invlpg}) empties it, and a later fault's insert into the same
         * slot clobbers it; then the fast path's emulator walks the guest tables afresh.
         */
        boolean vtlbLive;
        long vtlbGfn;
    }

    /** {@code VTLB_ENTRIES} (mm/shadow/private.h, 4.22 and 3.1). */
    private static final int VTLB_ENTRIES = 13;

    private static final int PREFETCH_DISTANCE = 32;

    private final Xen xen;
    private final PagingProfile profile;
    private final P2m p2m;
    private final PhysicalMemory mem;
    private final CpuConfig cpu;
    private final ShadowTables tables;
    private final Map<Integer, FastEmulation> fast = new TreeMap<>();
    private int pathFlags;
    /**
     * The vTLB entry of the fault being handled (F10 {@code vtlb_insert(v, va >> PAGE_SHIFT, gfn, ec | P)}): the
     * emulator's own translations of that page hit it ({@code sh_gva_to_gfn} looks the vTLB up first: any entry whose
     * pfec covers the requested bits). -1 when none.
     */
    private long vtlbVpn = -1;
    private long vtlbGfn;
    private int vtlbPfec;
    /** TRC_SHADOW is in the xentrace mask (the profile has the records, and the domain traces them). */
    private boolean tracing;

    public ShadowPaging(Xen xen, PagingProfile profile, P2m p2m) {
        this.xen = xen;
        this.profile = profile;
        this.p2m = p2m;
        this.mem = xen.machine().memory();
        this.cpu = xen.machine().cpu();
        this.tables = new ShadowTables(xen.frameTable());
        this.tracing = profile.shadowTrace();
    }

    /** Puts TRC_SHADOW in or out of the simulated xentrace mask (only where the profile has the records). */
    public void setTraceShadow(boolean on) {
        tracing = profile.shadowTrace() && on;
    }

    public ShadowTables tables() {
        return tables;
    }

    public PagingProfile profile() {
        return profile;
    }

    /**
     * A vCPU's SHOPT_FAST_EMULATION state by Xen's names ({@code last_write_emul_ok}, {@code last_emulated_frame},
     * {@code last_emulated_mfn}), for the plain-data view, and the vTLB slot of that frame
     * ({@code v->arch.paging.vtlb[vtlb_hash(last_emulated_frame)]}): {@code last_emulated_vtlb_live} is 1 while it
     * still holds the frame's translation (no vtlb_flush, no other page's insert since), {@code last_emulated_vtlb_gfn}
     * the gfn it gives.
     */
    public java.util.SequencedMap<String, Long> fastEmulationState(int vcpuId) {
        java.util.SequencedMap<String, Long> m = new java.util.LinkedHashMap<>();
        FastEmulation fe = fast.get(vcpuId);
        m.put("last_write_emul_ok", fe != null && fe.lastWriteEmulOk ? 1L : 0L);
        m.put("last_emulated_frame", fe == null ? 0L : fe.frame);
        m.put("last_emulated_mfn", fe == null ? 0L : fe.mfn);
        m.put("last_emulated_vtlb_live", fe != null && fe.vtlbLive ? 1L : 0L);
        m.put("last_emulated_vtlb_gfn", fe == null ? 0L : fe.vtlbGfn);
        return m;
    }

    private FastEmulation fast(ShadowVcpu v) {
        return fast.computeIfAbsent(v.vcpuId(), k -> new FastEmulation());
    }

    private void flag(int bit) {
        pathFlags |= 1 << bit;
    }

    private boolean bug(String id) {
        return xen.bug(id);
    }

    // ---------------------------------------------------------------------------------------------------------
    // sh_page_fault

    /**
     * The shadow page-fault handler. {@code ec} is the hardware error code of the fault taken on the shadow tables,
     * {@code insn} the faulting instruction (for emulation).
     */
    @XenFunction(symbol = "sh_page_fault", file = "xen/arch/x86/mm/shadow/multi.c", version = "3.1, 4.22",
            formerly = {"shadow_fault"})
    public Result shPageFault(ShadowVcpu v, long va, int ec, GuestAccess insn, boolean emulatorFails,
            boolean shadowOom, Trace t) {
        Result r = pageFault(v, va, ec, insn, emulatorFails, shadowOom, t);
        t.call("sh_page_fault", "result", r.kind().name().toLowerCase(java.util.Locale.ROOT), "rc", r.rc(),
                "fixup", r.fixup() == null ? "-" : r.fixup(), "ec", Trace.ec(r.errorCode()), "va", va);
        return r;
    }

    private Result pageFault(ShadowVcpu v, long va, int ec, GuestAccess insn, boolean emulatorFails,
            boolean shadowOom, Trace t) {
        PagingMode gm = v.guestMode();
        long root = v.shadowRoot();
        tables.ensureRoot(root, v.walkContext());
        FastEmulation fe = fast(v);
        long vpn = (gm == PagingMode.LONG4 || gm == PagingMode.LONG5 ? va : va & 0xFFFFFFFFL) >>> 12;

        vtlbVpn = -1;
        // F1: SHOPT_FAST_EMULATION.
        if (profile.fastEmulation() && fe.lastWriteEmulOk && vpn == fe.frame) {
            if (ec == (PfErrorCode.W | PfErrorCode.P)) {
                t.call("sh_page_fault.fast_emulation", "frame", vpn << 12, "mfn", fe.mfn);
                // the slow-path fault that emulated this frame last time left its vTLB entry (W|P), unless a guest
                // TLB flush or another page's insert into the same slot has removed it since. Fixed (finding
                // pt-write-after-host-write-to-walk): the model assumed the entry always survived, so after a CR3
                // write and a re-pointed guest PTE the emulated write still landed in the old frame.
                if (fe.vtlbLive) {
                    vtlbVpn = vpn;
                    vtlbGfn = fe.vtlbGfn;
                    vtlbPfec = PfErrorCode.W | PfErrorCode.P;
                }
                return emulate(v, EmulateCause.PT_WRITE, fe.mfn, va, ec, 0, insn, emulatorFails, t, true);
            }
            fe.lastWriteEmulOk = false;
        }

        // F2: SHOPT_FAST_FAULT_PATH on reserved-bit faults (magic entries).
        if ((ec & PfErrorCode.RSVD) != 0) {
            ShadowL1e s = tables.get(root, vpn);
            long sl1e = s == null ? 0 : s.sl1e();
            if (ShadowMagic.isGnp(sl1e)) {
                if (gm == null) {
                    // 3.0.4: with guest paging off a gnp means MMIO at gpa = va.
                    return mmio(v, va, vpn, insn, emulatorFails, ec, ShadowTrace.FAST_MMIO, t);
                }
                int out = ec ^ (PfErrorCode.RSVD | PfErrorCode.P);
                t.call("sh_page_fault.fast_path", "result", "guest_not_present", "ec", Trace.ec(out));
                if (tracing) {
                    ShadowTrace.va(t, ShadowTrace.FAST_PROPAGATE, gm, va);
                }
                return Result.propagate(out);
            }
            if (ShadowMagic.isMmio(sl1e)) {
                t.call("sh_page_fault.fast_path", "result", "mmio", "gfn", ShadowMagic.mmioGfn(sl1e));
                return mmio(v, va, ShadowMagic.mmioGfn(sl1e), insn, emulatorFails, ec, ShadowTrace.FAST_MMIO, t);
            }
            if (profile.gnpFastPath()) {
                // 3.0.4: a false alarm clears RSVD and falls through to the slow path.
                ec &= ~PfErrorCode.RSVD;
                t.call("sh_page_fault.fast_path", "result", "false_alarm", "ec", Trace.ec(ec));
            } else {
                t.call("sh_page_fault.fast_path", "result", "false_fast_path");
                if (tracing) {
                    ShadowTrace.va(t, ShadowTrace.FALSE_FAST_PATH, gm, va);
                }
                return Result.fixed(ec, "shadow_fast_false");
            }
        }

        // F4: rewalk. An implicit supervisor access at CPL 3 is reconstructed for SMAP.
        int walkEc = ec;
        if (profile.pfecImplicit() && v.cpl() == 3 && (ec & (PfErrorCode.I | PfErrorCode.U)) == 0) {
            walkEc |= PfErrorCode.XEN_IMPLICIT;
        }
        pathFlags = 0;
        // F5: guest_walk_tables.
        GuestWalker.WalkContext ctx = v.walkContext();
        GuestWalk gw = GuestWalker.guestWalkTables(ctx, p2m, mem, va, walkEc, true);
        t.call("guest_walk_tables", "va", va, "walk", Trace.ec(walkEc), "ok", gw.ok(), "pfec", Trace.ec(gw.pfec()),
                "gfn", gw.ok() ? gw.gfn() : -1L);
        // 3.1 with guest paging off: the table walked is the p2m itself, which has no entry for an MMIO gfn, so the
        // effective l1e is not present and sh_page_fault (3.1.0-branched, multi.c) goes straight to MMIO at gpa = va
        // ("Not present in p2m map, means this is mmio"): nothing is propagated and nothing prefetched. (Fixed, with
        // finding seed10-try5356: the model built an MMIO magic entry and, with the prefetch below, shadowed the
        // neighbours of a page that 3.1 never shadows.)
        if (gm == null && profile.unpagedTableIsP2m() && gw.ok()
                && p2m.lookup(gw.gfn()).type() == P2mType.MMIO_DM) {
            t.call("sh_page_fault.unpaged_mmio", "gpa", gw.gpa());
            return mmio(v, va, gw.gfn(), insn, emulatorFails, ec, ShadowTrace.MMIO, t);
        }
        // F6 (OOS builds): the error code's P follows the walk.
        if (profile.walkPatchesErrorCodeP()) {
            ec = (ec & ~PfErrorCode.P) | (gw.pfec() & PfErrorCode.P);
        }
        // F7: the walk failed: inject with the walk's error code.
        if (!gw.ok()) {
            if (profile.walkChecksRights()) {
                // b706e1c6af: before it the synthetic bits were not masked off.
                ec = bug("pfec-implicit-leak") ? gw.pfec() : gw.archPfec();
            }
            return notShadow(v, gw, va, ec, t);
        }
        // 3.0.4: the walk computed nothing; sh_page_fault bails on U, RW and NX with the hardware error code.
        if (!profile.walkChecksRights()) {
            String bail = bail31(gw, ec);
            if (bail != null) {
                t.call("sh_page_fault.bail", "reason", bail, "ec", Trace.ec(ec));
                return notShadow(v, gw, va, ec, t);
            }
        }
        // F9: gfn → mfn.
        P2mEntry target = p2m.getGfnTypeAccess(gw.gfn(), P2m.Query.ALLOC);
        if (!target.type().isMmio() && (!target.type().isRam() || !target.mfnValid())) {
            t.call("get_gfn", "gfn", gw.gfn(), "type", target.type().wireName(), "result", "bad_gfn");
            return notShadow(v, gw, va, ec, t);
        }
        // F10: vtlb_insert (what the emulator's translations of this page will find).
        vtlbVpn = vpn;
        vtlbGfn = gw.gfn();
        vtlbPfec = (ec | PfErrorCode.P) & 0xFFFF;
        if (fe.lastWriteEmulOk && vpn != fe.frame && Long.remainderUnsigned(vpn, VTLB_ENTRIES)
                == Long.remainderUnsigned(fe.frame, VTLB_ENTRIES)) {
            fe.vtlbLive = false; // vtlb_insert clobbers the slot of the remembered frame
        }
        // F11: shadow_prealloc.
        if (shadowOom) {
            v.domainCrash("shadow_prealloc", "shadow_prealloc failed: out of shadow memory", t);
            t.call("shadow_prealloc", "result", "failed");
            return new Result(0, ec, Kind.CRASHED, null, null);
        }
        // XSA-173: a superpage's gfn kept in a 32-bit backpointer.
        if (gw.superpage() && bug("xsa-173") && (gw.gfn() >>> 32) != 0) {
            // The fl1 shadow's backpointer keeps 32 bits: removing it later hits a BUG_ON (the model stops here).
            v.hostPanic("shadow_gfn_truncated", "BUG: shadowed superpage gfn 0x" + Long.toHexString(gw.gfn())
                    + " truncated to 0x" + Long.toHexString(gw.gfn() & 0xFFFFFFFFL) + " in its backpointer", t);
            return new Result(0, ec, Kind.CRASHED, null, null);
        }
        // F12: gw_remove_write_accesses on the guest tables below the top level.
        long top = topMfn(v);
        for (long table : gw.tableMfns()) {
            if (table == top && tables.isPageTable(table)) {
                continue; // protected since sh_update_cr3 (a top level unshadowed meanwhile is protected again here)
            }
            int n = tables.removeWriteAccess(table);
            if (n > 0) {
                flag(ShadowTrace.SFLAG_WRMAP);
                flag(ShadowTrace.SFLAG_WRMAP_BRUTE_FORCE);
                t.call("sh_remove_write_access", "mfn", table, "removed", n);
                if (tracing) {
                    ShadowTrace.gfn(t, ShadowTrace.WRMAP_BF, tableGfn(gw, table));
                }
            }
        }
        // F14: shadow_get_and_create_l1e (creating shadows promotes the guest tables).
        for (GuestWalk.GuestEntry e : gw.entries()) {
            if (e.tableMfn() >= 0) {
                tables.promote(e.tableMfn(), e.level().xenLevel());
            }
        }
        boolean write = (ec & PfErrorCode.W) != 0;
        if (!profile.walkSetsAccessedDirty()) {
            GuestWalker.guestSetAdBits(gw, write, gm, mem, p2m);
            gw = GuestWalker.guestWalkTables(translateContext(ctx), p2m, mem, va, 0, false);
        } else if (write) {
            flag(ShadowTrace.SFLAG_SET_AD);
        } else {
            flag(ShadowTrace.SFLAG_SET_A);
        }
        // F16: l1e_propagate_from_guest → shadow_set_l1e, then prefetch.
        FetchType ft = write ? FetchType.DEMAND_WRITE : FetchType.DEMAND_READ;
        long sl1e = shPropagate(gw, target, ft, t);
        tables.set(root, shadowEntry(vpn, sl1e, gw, target));
        flag(ShadowTrace.SFLAG_SHADOW_L1_GET_REF);
        t.call("l1e_propagate_from_guest", "gl1e", gw.gl1e(), "sl1e", sl1e, "ft", ft.name().toLowerCase(
                java.util.Locale.ROOT));
        if (profile.prefetch()) {
            shPrefetch(v, root, va, gw, t);
        }
        // F17: a write to a shadowed page table is emulated.
        if (write && target.mfnValid() && tables.isPageTable(target.mfn())) {
            return emulate(v, EmulateCause.PT_WRITE, target.mfn(), va, ec, gw.gl1e(), insn, emulatorFails, t, false);
        }
        // F18: MMIO through the device model.
        if (target.type() == P2mType.MMIO_DM) {
            return mmio(v, va, gw.gfn(), insn, emulatorFails, ec, ShadowTrace.MMIO, t);
        }
        // F19: a write to a read-only p2m type goes to the emulator, skipping the user-mode check.
        if (profile.p2mTypeChecks() && write && target.type().isReadOnly()
                && target.type() != P2mType.RAM_LOGDIRTY) {
            return emulate(v, EmulateCause.RO_TYPE, target.mfn(), va, ec, gw.gl1e(), insn, emulatorFails, t, false);
        }
        // F20: supervisor write through a read-only PTE with guest CR0.WP=0.
        if (profile.cr0WpEmulation() && !ctx.controls().cr0Wp() && ec == (PfErrorCode.W | PfErrorCode.P)
                && target.mfnValid()) {
            return emulate(v, EmulateCause.WP0, target.mfn(), va, ec, gw.gl1e(), insn, emulatorFails, t, false);
        }
        // F21: fixed.
        if (tracing) {
            ShadowTrace.gl1eVaFlags(t, ShadowTrace.FIXUP, gm, gw.gl1e(), va, pathFlags);
        }
        return Result.fixed(ec, "shadow_fixup");
    }

    private static long tableGfn(GuestWalk gw, long mfn) {
        for (GuestWalk.GuestEntry e : gw.entries()) {
            if (e.tableMfn() == mfn) {
                return e.tableGfn();
            }
        }
        return -1;
    }

    /** 3.0.4's bails after its walk: user access to a supervisor page, write to non-RW, fetch from NX. */
    private static String bail31(GuestWalk gw, int ec) {
        if ((ec & PfErrorCode.U) != 0 && !gw.rights().user()) {
            return "user_to_supervisor";
        }
        if ((ec & PfErrorCode.W) != 0 && !gw.rights().writable()) {
            return "write_to_read_only";
        }
        if ((ec & PfErrorCode.I) != 0 && gw.rights().executeDisable()) {
            return "fetch_from_nx";
        }
        return null;
    }

    private Result notShadow(ShadowVcpu v, GuestWalk gw, long va, int ec, Trace t) {
        if (tracing) {
            ShadowTrace.gl1eVaFlags(t, ShadowTrace.NOT_SHADOW, v.guestMode(), gw.gl1e(), va, pathFlags);
        }
        return Result.propagate(ec);
    }

    private Result mmio(ShadowVcpu v, long va, long gfn, GuestAccess insn, boolean emulatorFails, int ec,
            int traceEvent, Trace t) {
        if (tracing) {
            ShadowTrace.va(t, traceEvent, v.guestMode(), va);
        }
        ShadowVcpu.MmioResult r = v.handleMmioWithTranslation(va, gfn, insn, emulatorFails, t);
        if (r.ok() && r.faulted()) {
            // The emulator's own fault is injected and the instruction did not retire: RIP still points at it, as
            // after E7. Fixed (rules hvm.3.F2b-mmio, hvm.3.F18): the model counted it as emulated, forgot the
            // step's instruction, and the delivery of that fault exiting on an MMIO page reached the emulator with
            // no instruction (NullPointerException, npe-event-delivery-through-mmio-page).
            return new Result(1, ec, Kind.INJECTED, "mmio_emulator_fault", null);
        }
        if (r.ok()) {
            return new Result(1, ec, Kind.EMULATED, "mmio", r.value());
        }
        // Quirk (§3 F2b'): the #PF injected after a failed emulation still carries RSVD|P.
        return Result.propagate(ec);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Emulation (E1..E12)

    private Result emulate(ShadowVcpu v, EmulateCause cause, long gmfn, long va, int ec, long gl1e,
            GuestAccess insn, boolean emulatorFails, Trace t, boolean fromFastPath) {
        PagingMode gm = v.guestMode();
        long gfn = gfnOf(gmfn);
        // 3.1: "if we are in the middle of injecting an exception or interrupt then we should not emulate"
        // (hvm_event_injection_faulted, checked first; multi.c of tag 3.1.0-branched). Fixed (rule hvm.3.4): the
        // model asked the modern hvm_event_pending here, which 3.1's deferred re-queue leaves clear, so it emulated
        // a delivery's write (and the emulator had no instruction: NullPointerException).
        if (profile.emulateChecksInjectionFaulted() && v.eventInjectionFaulted()) {
            return unshadowAndRetry(v, gmfn, gfn, va, ec, "event_pending", ShadowTrace.EMULATE_UNSHADOW_EVTINJ,
                    "unshadow_evtinj", t);
        }
        // E2: a user-mode write to a guest page table: the page is no longer treated as one.
        if (cause != EmulateCause.RO_TYPE && !fromFastPath && (ec & PfErrorCode.U) != 0) {
            return unshadowAndRetry(v, gmfn, gfn, va, ec, "user_write", ShadowTrace.EMULATE_UNSHADOW_USER,
                    "unshadow_user", t);
        }
        // E5: the fault happened during event delivery: unshadow, the event is redelivered on entry.
        if (!profile.emulateChecksInjectionFaulted() && v.eventPending()) {
            if (fromFastPath) {
                fast(v).lastWriteEmulOk = false;
            }
            return unshadowAndRetry(v, gmfn, gfn, va, ec, "event_pending", ShadowTrace.EMULATE_UNSHADOW_EVTINJ,
                    "unshadow_evtinj", t);
        }
        // E6: x86_emulate with the shadow's memory callbacks, on the instruction at RIP. The model knows it only
        // while it is the step's instruction; after that instruction retired (an event left pending, delivered
        // through a page table that is not re-queued) it is not described anywhere.
        if (insn == null) {
            throw new NotModelled("steps[" + t.currentStep() + "]", "Xen would emulate the instruction at RIP "
                    + "(x86_emulate from sh_page_fault, cause " + cause.fixup + ", va 0x" + Long.toHexString(va)
                    + "), which follows the step's retired instruction and is not described by the scenario");
        }
        EmulateOps ops = new EmulateOps(v, t, profile.emulateFailsSystemSegments() && insn.implicit());
        X86Emulate.Result er = X86Emulate.emulate(insn, ops, emulatorFails);
        t.call("x86_emulate", "result", er.rc().name(), "cause", cause.fixup);
        EmulResult rc = er.rc();
        if (rc == EmulResult.EXCEPTION) {
            EmulEvent ev = er.event();
            boolean injectable = ev.vector() == Vectors.PF || ((ev.vector() == Vectors.GP
                    || ev.vector() == Vectors.SS) && ev.errorCode() != null && ev.errorCode() == 0);
            if (injectable) {
                // E7: the emulator's own fault, with its own error code and CR2.
                v.injectEvent(ev, t);
                return new Result(1, ec, Kind.INJECTED, "emulator_fault", null);
            }
            rc = EmulResult.UNHANDLEABLE; // E7'
        }
        if (rc == EmulResult.UNHANDLEABLE) {
            // E8. A failed fast emulation (F1) forgets the frame (last_write_emul_ok = 0), so the next fault takes
            // the slow path. Fixed (rule hvm.3.F1): the model kept the flag and re-entered the failing emulation.
            if (fromFastPath) {
                fast(v).lastWriteEmulOk = false;
            }
            return unshadowAndRetry(v, gmfn, gfn, va, ec, "unhandleable", ShadowTrace.EMULATE_UNSHADOW_UNHANDLED,
                    "unshadow_unhandled", t);
        }
        if (rc == EmulResult.RETRY) {
            return Result.fixed(ec, "emulate_retry");
        }
        // E9: remember the frame for the fast path.
        FastEmulation fe = fast(v);
        if (profile.fastEmulation() && tables.isPageTable(gmfn)) {
            fe.lastWriteEmulOk = true;
            fe.frame = (gm == PagingMode.LONG4 || gm == PagingMode.LONG5 ? va : va & 0xFFFFFFFFL) >>> 12;
            fe.mfn = gmfn;
            // the F10 entry of this fault (or the one the fast path reused) translates the frame from now on
            fe.vtlbLive = vtlbVpn == fe.frame;
            fe.vtlbGfn = vtlbGfn;
        }
        // E12
        if (tracing) {
            ShadowTrace.emulate(t, gm, gl1e, ops.firstValue, va, pathFlags, 1);
        }
        return new Result(1, ec, Kind.EMULATED, cause.fixup,
                insn.kind() == xpf.model.x86.AccessKind.READ ? er.value() : null);
    }

    private long gfnOf(long mfn) {
        for (P2mEntry e : p2m.entries()) {
            if (e.mfn() == mfn) {
                return e.gfn();
            }
        }
        return -1;
    }

    /**
     * {@code shadow_remove_all_shadows} (= {@code sh_remove_shadows(d, gmfn, 0, 1)}, "must succeed") for the emulate
     * paths, then the fixup: the guest retries. A frame that is some vCPU's current top-level table keeps its
     * top-level shadow (the vCPU holds a reference: only the pin goes), so the frame stays a shadowed page table and
     * Xen's "can't find all shadows of mfn" check crashes the domain (common.c {@code sh_remove_shadows}, tags
     * 3.1.0-branched and 4.22 alike). Fixed (rule hvm.3.E8, isolation): the model only spared the current vCPU's
     * top level, so unshadowing another vCPU's top-level table let the writer map it writable, and the owner's next
     * fault re-promoted it under that writable mapping.
     */
    private Result unshadowAndRetry(ShadowVcpu v, long gmfn, long gfn, long va, int ec, String why, int traceEvent,
            String fixup, Trace t) {
        if (shadowRemoveAllShadows(v, gmfn, why, t)) {
            return new Result(0, ec, Kind.CRASHED, null, null);
        }
        if (tracing) {
            ShadowTrace.gfnVaFlags(t, traceEvent, v.guestMode(), gfn, va, pathFlags);
        }
        return Result.fixed(ec, fixup);
    }

    /** {@code shadow_remove_all_shadows}: true when the domain was crashed (an in-use top level, see above). */
    @XenFunction(symbol = "sh_remove_shadows", file = "xen/arch/x86/mm/shadow/common.c", version = "3.1, 4.22",
            formerly = {"shadow_remove_all_shadows"})
    private boolean shadowRemoveAllShadows(ShadowVcpu v, long gmfn, String why, Trace t) {
        Set<Long> inUse = topLevelsInUse(v);
        int n = tables.removeAllShadows(gmfn, inUse);
        t.call("shadow_remove_all_shadows", "mfn", gmfn, "dropped", n, "why", why);
        if (inUse.contains(gmfn) && tables.isPageTable(gmfn)) {
            v.domainCrash("sh_remove_shadows", "can't find all shadows of mfn 0x" + Long.toHexString(gmfn)
                    + " (a vCPU's top-level shadow is in use)", t);
            return true;
        }
        return false;
    }

    /** The top-level guest tables of every vCPU of the domain ({@code for_each_vcpu ... guest_table}). */
    private Set<Long> topLevelsInUse(ShadowVcpu v) {
        Set<Long> out = new java.util.TreeSet<>();
        for (ShadowVcpu o : v.domainVcpus()) {
            long top = topMfn(o);
            if (top >= 0) {
                out.add(top);
            }
        }
        return out;
    }

    /** The machine frame of the vCPU's current top-level guest table (-1 if unpaged or PAE). */
    private long topMfn(ShadowVcpu v) {
        PagingMode m = v.guestMode();
        if (m == null || m == PagingMode.PAE) {
            return -1;
        }
        P2mEntry e = p2m.lookup(v.walkContext().controls().cr3() >>> 12);
        return e.mfnValid() ? e.mfn() : -1;
    }

    /**
     * The shadow code's {@code x86_emulate_ops} (shadow/hvm.c: {@code hvm_emulate_read}, {@code hvm_emulate_write},
     * {@code hvm_emulate_cmpxchg} over {@code sh_emulate_map_dest} / {@code sh_emulate_unmap_dest}).
     */
    private final class EmulateOps implements EmulOps {
        private final ShadowVcpu v;
        private final Trace t;
        private EmulEvent raised;
        long firstValue;
        private boolean wrote;
        /**
         * The access is a system-segment one (the scenario's {@code implicit}: a descriptor-table access, or the
         * accessed-bit update through {@code x86_seg_none}). {@code hvm_emulate_read} refuses any segment that is not
         * a user segment and {@code hvm_emulate_write} / {@code hvm_emulate_cmpxchg} fail in {@code hvm_get_seg_reg}
         * beyond the six user segments (mm/shadow/hvm.c, HEAD c447b73; XSA-187, xen-hvm-fault-path.md §7 item 11):
         * X86EMUL_UNHANDLEABLE, so E8 unshadows. Fixed (rule hvm.7.11, S9): the model emulated such an access.
         */
        private final boolean systemSegment;

        EmulateOps(ShadowVcpu v, Trace t, boolean systemSegment) {
            this.v = v;
            this.t = t;
            this.systemSegment = systemSegment;
        }

        private boolean refusesSegment(String op) {
            if (systemSegment) {
                t.call(op, "seg", "system", "result", "UNHANDLEABLE");
            }
            return systemSegment;
        }

        @Override
        public boolean validate(xpf.model.scenario.Insn insn, int size) {
            return true;
        }

        @Override
        public EmulEvent raised() {
            return raised;
        }

        /**
         * The shadow emulator's own walks are supervisor walks: {@code emulate_gva_to_mfn} walks with P|W and
         * {@code hvm_read} with P (shadow/hvm.c, 4.22; 3.1's {@code emulate_map_dest} reports P|W without U as
         * well). Fixed (rule hvm.3.E7): the model added U at CPL 3, so an implicit supervisor write at CPL 3 that
         * F20 (CR0.WP=0) emulates was refused as a user write (#PF P|W|U on a page the guest may write).
         */
        private int walkFlags(boolean write) {
            return write ? PfErrorCode.W : 0;
        }

        /** {@code emulate_gva_to_mfn}: a fresh guest walk; its failure is the emulator's #PF. */
        @XenFunction(symbol = "emulate_gva_to_mfn", file = "xen/arch/x86/mm/shadow/hvm.c", version = "4.22")
        private P2mEntry gvaToMfn(long va, boolean write) {
            int want = PfErrorCode.P | (write ? PfErrorCode.W : 0);
            PagingMode m = v.guestMode();
            long page = (m == PagingMode.LONG4 || m == PagingMode.LONG5 ? va : va & 0xFFFFFFFFL) >>> 12;
            if (vtlbVpn >= 0 && page == vtlbVpn && (vtlbPfec & want) == want) {
                // vtlb_lookup hit: the translation the fault's own walk made (no new rights check)
                return p2m.getGfnTypeAccess(vtlbGfn, write ? P2m.Query.ALLOC_UNSHARE : P2m.Query.ALLOC);
            }
            GuestWalk gw = GuestWalker.guestWalkTables(v.walkContext(), p2m, mem, va, walkFlags(write), true);
            if (!gw.ok()) {
                int pfec = bug("pfec-implicit-leak") ? gw.pfec() : gw.archPfec();
                raised = new EmulEvent(Vectors.PF, pfec, va);
                return null;
            }
            if (vtlbVpn < 0) {
                // sh_gva_to_gfn remembers a successful translation (vtlb_insert); the model's vTLB has one slot,
                // which a fault's own F10 entry keeps
                vtlbVpn = page;
                vtlbGfn = gw.gfn();
                vtlbPfec = want;
            }
            return p2m.getGfnTypeAccess(gw.gfn(), write ? P2m.Query.ALLOC_UNSHARE : P2m.Query.ALLOC);
        }

        @Override
        @XenFunction(symbol = "hvm_emulate_read", file = "xen/arch/x86/mm/shadow/hvm.c", version = "4.22")
        public EmulResult read(long va, int size, long[] out) {
            if (refusesSegment("hvm_emulate_read")) {
                return EmulResult.UNHANDLEABLE;
            }
            long value = 0;
            int done = 0;
            while (done < size) {
                long a = va + done;
                int chunk = (int) Math.min(size - done, 0x1000 - (a & 0xFFF));
                chunk = Math.min(chunk, 8);
                P2mEntry e = gvaToMfn(a, false);
                if (e == null) {
                    return EmulResult.EXCEPTION;
                }
                if (!e.type().isRam() || !e.mfnValid()) {
                    return EmulResult.UNHANDLEABLE;
                }
                long pa = (e.mfn() << 12) | (a & 0xFFF);
                for (int i = 0; i < chunk; i++) {
                    value |= (mem.read(pa + i, 1)) << (8 * (done + i));
                }
                done += chunk;
            }
            out[0] = value;
            return EmulResult.OKAY;
        }

        @Override
        @XenFunction(symbol = "hvm_emulate_write", file = "xen/arch/x86/mm/shadow/hvm.c", version = "4.22")
        public EmulResult write(long va, int size, long value) {
            if (refusesSegment("hvm_get_seg_reg")) {
                return EmulResult.UNHANDLEABLE;
            }
            return store(va, size, value, false, 0, null);
        }

        @Override
        @XenFunction(symbol = "hvm_emulate_cmpxchg", file = "xen/arch/x86/mm/shadow/hvm.c", version = "4.22")
        public EmulResult cmpxchg(long va, int size, long old, long neu, long[] observed) {
            if (refusesSegment("hvm_get_seg_reg")) {
                return EmulResult.UNHANDLEABLE;
            }
            return store(va, size, neu, true, old, observed);
        }

        /**
         * The compare of {@code hvm_emulate_cmpxchg} (xen/arch/x86/mm/shadow/hvm.c, Xen 4.x-4.22): {@code
         * sh_emulate_map_dest} maps a page-crossing destination as one contiguous range (a vmap of both mfns, HVM
         * only), so a single {@code cmpxchg} of {@code bytes} compares the whole old value and writes all of it or
         * nothing. Each piece is compared with its own bytes of {@code old}; {@code observed[0]} is assembled from
         * every piece. Fixed: the model compared each piece with the low bytes of {@code old} and wrote the first
         * piece before comparing the next, so a page-crossing XCHG on a shadowed table wrote half and retried.
         */
        private boolean compareAll(List<long[]> pieces, long old, long[] observed) {
            long seen = 0;
            boolean equal = true;
            int off = 0;
            for (long[] p : pieces) {
                int bytes = (int) p[1];
                if (off < 8) {
                    long m = bytes == 8 ? -1L : (1L << (8 * bytes)) - 1;
                    long cur = readPiece(p[0], bytes) & m;
                    seen |= cur << (8 * off);
                    equal &= cur == ((old >>> (8 * off)) & m);
                }
                off += bytes;
            }
            observed[0] = seen;
            return equal;
        }

        /**
         * A piece of a page-crossing destination has any length from 1 to 7 bytes (Xen maps both pages as one range
         * and stores {@code bytes} at once), so it is read and written byte by byte: machine memory takes only 1, 2,
         * 4 or 8. Fixed (mut-hvm2): an 8-byte XCHG or MOV split 6 + 2 threw IllegalArgumentException.
         */
        private long readPiece(long pa, int bytes) {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v |= mem.read(pa + i, 1) << (8 * i);
            }
            return v;
        }

        private void writePiece(long pa, int bytes, long value) {
            for (int i = 0; i < bytes; i++) {
                mem.write(pa + i, 1, i < 8 ? (value >>> (8 * i)) & 0xFF : 0);
            }
        }

        /** {@code sh_emulate_map_dest}, the atomic store, {@code sh_emulate_unmap_dest}. */
        private EmulResult store(long va, int size, long value, boolean cmpxchg, long old, long[] observed) {
            int unit = Math.min(size, 8);
            boolean misaligned = (va & (unit - 1)) != 0 || ((va & 0xFFF) + size) > 0x1000;
            List<long[]> pieces = new ArrayList<>(); // {pa, bytes, mfn, value}
            int done = 0;
            while (done < size) {
                long a = va + done;
                int chunk = (int) Math.min(Math.min(size - done, 8), 0x1000 - (a & 0xFFF));
                P2mEntry e = gvaToMfn(a, true);
                if (e == null) {
                    return EmulResult.EXCEPTION;
                }
                if (e.type().isDiscardWrite()) {
                    // sh_emulate_map_dest: READONLY_GFN → MAPPING_SILENT_FAIL, i.e. X86EMUL_OKAY with nothing
                    // written: the whole write is dropped, a page after the discard-write one is never translated,
                    // and a cmpxchg (XCHG, LOCK'd RMW) reports success without comparing (shadow/hvm.c,
                    // hvm_emulate_write / hvm_emulate_cmpxchg). Fixed (rule hvm.3.F19): the model skipped only this
                    // chunk (then translated the next page, #PF) and a RMW saw a failed compare (RETRY for ever).
                    t.call("sh_emulate_map_dest", "gfn", e.gfn(), "result", "write_discarded");
                    if (cmpxchg && observed != null) {
                        observed[0] = old;
                    }
                    return EmulResult.OKAY;
                }
                if (!e.type().isRam() || !e.mfnValid() || e.type() == P2mType.IOREQ_SERVER) {
                    return EmulResult.UNHANDLEABLE;
                }
                long chunkValue = done >= 8 ? 0 : value >>> (8 * done);
                pieces.add(new long[] {(e.mfn() << 12) | (a & 0xFFF), chunk, e.mfn(), chunkValue});
                done += chunk;
            }
            if (misaligned) {
                // Misaligned or page-crossing writes unshadow their target page(s).
                // sh_remove_shadows(d, mfn, 0, 0): "can fail", so an in-use top level stays (no domain crash).
                for (long[] p : pieces) {
                    if (tables.isPageTable(p[2])) {
                        tables.removeAllShadows(p[2], topLevelsInUse(v));
                        t.call("shadow_remove_all_shadows", "mfn", p[2], "why", "misaligned_write");
                    }
                }
            }
            if (cmpxchg && !compareAll(pieces, old, observed)) {
                return EmulResult.OKAY; // compare failed: nothing written
            }
            for (long[] p : pieces) {
                int bytes = (int) p[1];
                writePiece(p[0], bytes, p[3]);
                if (!wrote) {
                    firstValue = p[3];
                    wrote = true;
                }
                if (tables.isPageTable(p[2])) {
                    validateGuestPtWrite(p[2], p[0] & 0xFFF, bytes, t);
                }
            }
            return EmulResult.OKAY;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Propagation, prefetch, validation

    /**
     * {@code _sh_propagate} for an l1e (§3.3): MMIO-DM → the MMIO magic; non-RAM → empty; rights = guest ∩ {P, RW,
     * US, NX}; guest A clear → not present; leaf D clear → no RW; read-only p2m types (log-dirty: except on a demand
     * write, which marks the page dirty) → no RW; a shadowed page-table frame → no RW.
     */
    @XenFunction(symbol = "_sh_propagate", file = "xen/arch/x86/mm/shadow/multi.c", version = "3.1, 4.22")
    long shPropagate(GuestWalk gw, P2mEntry target, FetchType ft, Trace t) {
        long leaf = gw.leaf();
        if (target.type() == P2mType.MMIO_DM) {
            return ShadowMagic.usable(cpu.maxPhyAddr())
                    ? ShadowMagic.mmio(gw.gfn(), gw.rights().user(), gw.rights().writable()) : 0;
        }
        boolean ram = target.type().isRam() || target.type() == P2mType.MMIO_DIRECT || target.type().isGrant()
                || target.type() == P2mType.MAP_FOREIGN;
        if (!ram || !target.mfnValid() || target.type().isPaging()) {
            return 0;
        }
        if ((leaf & EntryBits.A) == 0) {
            return 0; // the first access must fault so that Xen sets A
        }
        long flags = EntryBits.P | EntryBits.A;
        if (gw.rights().user()) {
            flags |= EntryBits.US;
        }
        if (gw.rights().writable()) {
            flags |= EntryBits.RW;
        }
        if (gw.rights().executeDisable()) {
            flags |= EntryBits.XD;
        }
        if ((leaf & EntryBits.D) == 0) {
            flags &= ~EntryBits.RW;
        }
        if (target.type().isReadOnly()) {
            if (target.type() == P2mType.RAM_LOGDIRTY && ft == FetchType.DEMAND_WRITE) {
                p2m.markDirty(gw.gfn());
                p2m.changeTypeOne(gw.gfn(), P2mType.RAM_LOGDIRTY, P2mType.RAM_RW);
            } else {
                flags &= ~EntryBits.RW;
            }
        }
        if (tables.isPageTable(target.mfn())) {
            flags &= ~EntryBits.RW;
        }
        if ((flags & EntryBits.RW) != 0) {
            flags |= EntryBits.D;
        }
        return (target.mfn() << 12) | flags;
    }

    private static ShadowL1e shadowEntry(long vpn, long sl1e, GuestWalk gw, P2mEntry target) {
        List<GuestWalk.GuestEntry> entries = gw.entries();
        Long[] slots = new Long[entries.size()];
        int n = 0;
        for (GuestWalk.GuestEntry e : entries) {
            if (e.slot() >= 0) {
                slots[n++] = e.slot();
            }
        }
        long mfn = ShadowMagic.isMagic(sl1e) ? -1 : target.mfn();
        // immutable lists, which ShadowL1e's List.copyOf keeps as they are
        return new ShadowL1e(vpn, sl1e, gw.gfn(), mfn, gw.gl1e(),
                List.of(n == slots.length ? slots : java.util.Arrays.copyOf(slots, n)), gw.tableMfns(),
                gw.superpage());
    }

    private GuestWalker.WalkContext translateContext(GuestWalker.WalkContext c) {
        return new GuestWalker.WalkContext(c.mode(), c.controls(), c.pdpte(), c.guestCpu(), c.shadow(), c.hostNxe(),
                c.profile().translateOnly(), c.bug());
    }

    /** The guest l1e the walk reached is present and needs a fault to set A (or D on a writable entry). */
    private static boolean needsAdFault(GuestWalk pw) {
        if (pw.entries().isEmpty()) {
            return false;
        }
        GuestWalk.GuestEntry last = pw.entries().get(pw.entries().size() - 1);
        if (last.level() != EntryLevel.PTE) {
            return false;
        }
        long e = last.value();
        return (e & 0x1) != 0 && ((e & 0x20) == 0 || ((e & 0x2) != 0 && (e & 0x40) == 0)); // P; A; RW without D
    }

    /**
     * {@code sh_prefetch}: shadow up to 31 following entries, no further than the end of the shadow l1 page: of the
     * same guest L1, or of the same guest superpage ("fragmented superpage": the l1e fabricated from the superpage,
     * gfn + i), which includes the table Xen shadows for a guest with paging off.
     */
    @XenFunction(symbol = "sh_prefetch", file = "xen/arch/x86/mm/shadow/multi.c", version = "3.1, 4.22")
    private void shPrefetch(ShadowVcpu v, long root, long va, GuestWalk gw, Trace t) {
        PagingMode gm = v.guestMode();
        long vpn = (gm == PagingMode.LONG4 || gm == PagingMode.LONG5 ? va : va & 0xFFFFFFFFL) >>> 12;
        // "Prefetch no further than the end of the _shadow_ l1 MFN" (multi.c, 3.1.0-branched and 4.22 c447b73):
        // 64-bit Xen's shadow l1 pages hold 512 entries whatever the guest mode (a 2-level guest's L1 and a 4 MiB
        // superpage are shadowed by two pages, and ptr_sl1e points into one of them), so the distance is counted
        // to the next 512-entry boundary. Fixed with finding seed10-try5356: the model skipped guest superpages
        // and the table of a guest with paging off (4.22: the 4 MiB superpages of unpaged_pagetable; 3.1: the
        // p2m's L1s), and counted a 2-level guest's L1 to its 1024th entry.
        long dist = Math.min(PREFETCH_DISTANCE, 512 - (vpn & 511));
        boolean unpagedP2m = gm == null && profile.unpagedTableIsP2m();
        GuestWalker.WalkContext ctx = translateContext(v.walkContext());
        // the neighbours share the guest L1 and nothing below writes guest memory or changes the p2m (prefetch
        // propagation marks nothing dirty): one walk of the upper levels serves them all
        GuestWalker.UpperLevels upper = new GuestWalker.UpperLevels();
        int made = 0;
        for (long i = 1; i < dist; i++) {
            long pvpn = vpn + i;
            if (tables.get(root, pvpn) != null) {
                break;
            }
            GuestWalk pw = GuestWalker.guestWalkTables(ctx, p2m, mem, pvpn << 12, 0, false, upper);
            if (needsAdFault(pw)) {
                // sh_prefetch: "Not worth continuing if we hit an entry that will need another fault for A/D-bit
                // propagation anyway" (multi.c, 3.1 and 4.22): a present guest l1e with A clear, or RW without D,
                // ends the prefetch before _sh_propagate (whose MMIO magic entry ignores A/D, §3.3). Fixed (rule
                // hvm.3.F16, S12): the model propagated such a neighbour, so a writable not-dirty mapping of an
                // MMIO gfn got a P|RW magic entry and the later write exited with P|W|RSVD instead of W.
                break;
            }
            long sl1e;
            P2mEntry target = null;
            if (!pw.ok()) {
                if (!profile.gnpFastPath() || pw.failedOn() != EntryLevel.PTE
                        || (pw.pfec() & PfErrorCode.RSVD) != 0) {
                    continue;
                }
                sl1e = ShadowMagic.GNP;
            } else {
                target = p2m.getGfnTypeAccess(pw.gfn(), P2m.Query.QUERY);
                if (unpagedP2m && target.type() == P2mType.MMIO_DM) {
                    // 3.1, paging off: the neighbour is the next entry of a p2m L1, empty for an MMIO gfn, and
                    // _sh_propagate shadows a not-present guest l1e with the gnp magic (the fast path then sends the
                    // access to MMIO at gpa = va). Other gfns without memory are left empty here: the model sends a
                    // 3.1 unpaged access to them to F9 (injection), not to the device model as 3.1 does, and the
                    // reference does not model that case.
                    tables.set(root, new ShadowL1e(pvpn, ShadowMagic.GNP, -1, -1, 0, List.of(), List.of(), false));
                    made++;
                    continue;
                }
                sl1e = shPropagate(pw, target, FetchType.PREFETCH, t);
                if (sl1e == 0) {
                    continue;
                }
            }
            tables.set(root, shadowEntry(pvpn, sl1e, pw, target == null ? P2mEntry.invalid(-1) : target));
            made++;
        }
        if (made > 0) {
            t.call("sh_prefetch", "from", (vpn + 1) << 12, "entries", made);
        }
    }

    /**
     * {@code validate_guest_pt_write} → {@code sh_validate_guest_entry}: a write of {@code size} bytes at
     * {@code offset} of the shadowed page table {@code mfn} re-propagates every shadow built from the entries
     * written (as a prefetch would: no A/D set), or drops it if the guest walk now fails or leads through a table
     * that is not (yet) shadowed.
     */
    @XenFunction(symbol = "sh_validate_guest_entry", file = "xen/arch/x86/mm/shadow/common.c", version = "3.1, 4.22",
            formerly = {"validate_guest_pt_write"})
    public void validateGuestPtWrite(long mfn, long offset, int size, Trace t) {
        long lo = (mfn << 12) + offset;
        long hi = lo + size;
        int changed = 0;
        for (Map.Entry<Long, ShadowL1e> d : tables.dependents(lo & ~7L, hi)) {
            long root = d.getKey();
            ShadowL1e old = d.getValue();
            GuestWalker.WalkContext ctx = tables.rootContext(root);
            if (ctx == null) {
                tables.remove(root, old.vpn());
                continue;
            }
            GuestWalk w = GuestWalker.guestWalkTables(translateContext(ctx), p2m, mem, old.vpn() << 12, 0, false);
            ShadowL1e next = null;
            if (w.ok() && w.tableMfns().stream().allMatch(tables::isPageTable)) {
                P2mEntry target = p2m.getGfnTypeAccess(w.gfn(), P2m.Query.QUERY);
                long sl1e = shPropagate(w, target, FetchType.PREFETCH, t);
                if (sl1e != 0) {
                    next = shadowEntry(old.vpn(), sl1e, w, target);
                }
            } else if (!w.ok() && profile.gnpFastPath() && w.failedOn() == EntryLevel.PTE) {
                next = shadowEntry(old.vpn(), ShadowMagic.GNP, w, P2mEntry.invalid(-1));
            }
            if (next == null) {
                tables.remove(root, old.vpn());
            } else {
                tables.set(root, next);
            }
            changed++;
        }
        t.call("sh_validate_guest_entry", "mfn", mfn, "offset", offset, "size", size, "shadows", changed);
    }

    // ---------------------------------------------------------------------------------------------------------
    // CR3, INVLPG, paging modes

    /**
     * {@code sh_update_cr3}: the top-level shadow for the guest's CR3 (kept across switches, as Xen keeps pinned
     * top-level shadows); the guest's top-level table is promoted and write-protected (PAE guests' PDPTEs are cached
     * instead, and the top level is rebuilt from them: {@link #installPaeTopLevel}).
     */
    @XenFunction(symbol = "sh_update_cr3", file = "xen/arch/x86/mm/shadow/multi.c", version = "3.1, 4.22")
    public void shUpdateCr3(ShadowVcpu v, Trace t) {
        long root = v.shadowRoot();
        GuestWalker.WalkContext ctx = v.walkContext();
        tables.ensureRoot(root, ctx);
        long top = topMfn(v);
        if (top >= 0) {
            int n = tables.removeWriteAccess(top);
            tables.promote(top, v.guestMode() == PagingMode.LEGACY2 ? 2 : v.guestMode() == PagingMode.LONG5 ? 5 : 4);
            t.call("sh_update_cr3", "root", root, "top_mfn", top, "writable_mappings_removed", n);
        } else if (v.guestMode() == PagingMode.PAE) {
            int dropped = installPaeTopLevel(root, ctx.pdpte());
            long[] g = ctx.pdpte();
            t.call("sh_update_cr3", "root", root, "gl3e0", g[0], "gl3e1", g[1], "gl3e2", g[2], "gl3e3", g[3],
                    "stale_dropped", dropped);
        } else {
            t.call("sh_update_cr3", "root", root);
        }
        fast(v).vtlbLive = false; // vtlb_flush: "no longer safe to use cached gva->gfn translations"
    }

    /**
     * VMRUN / VM entry of a PAE guest's vCPU under shadow paging: the processor walks that vCPU's own shadow l3
     * ({@code v->arch.hvm.hw_cr[3]} = {@code v->arch.paging.shadow.l3table}, built by {@code sh_update_cr3} from that
     * vCPU's gl3e cache; multi.c HEAD c447b73), so it reaches only l1es under the l2 shadows its own PDPTEs name. Two
     * vCPUs on the same PDPT may hold different PDPTEs (one reloaded CR3 after the PDPT changed, the other not); the
     * model keeps one set of l1es per PDPT address, so before the vCPU runs the set is narrowed to this vCPU's l2
     * tables (an l1e of the other vCPU's l2 goes; that vCPU re-faults and rebuilds it when it runs). Fixed (fuzz seed
     * 11 --only svm, try 181, found with stale-pae-shadow-after-pdpt-change): vCPU 1 reloaded CR3 over a PDPTE 0 that
     * was no longer present and its write went through the l1e vCPU 0's fault had just built through the old one.
     */
    public void enterPaeVcpu(ShadowVcpu v, Trace t) {
        if (v.guestMode() != PagingMode.PAE) {
            return;
        }
        long root = v.shadowRoot();
        GuestWalker.WalkContext ctx = v.walkContext();
        GuestWalker.WalkContext was = tables.rootContext(root);
        if (was == ctx || was != null && was.mode() == PagingMode.PAE && java.util.Arrays.equals(was.pdpte(),
                ctx.pdpte())) {
            return;
        }
        tables.ensureRoot(root, ctx);
        int dropped = installPaeTopLevel(root, ctx.pdpte());
        if (dropped > 0) {
            t.call("sh_update_cr3.l3table", "vcpu", v.vcpuId(), "root", root, "other_vcpus_l1es_dropped", dropped);
        }
    }

    /**
     * The PAE half of {@code sh_update_cr3}: Xen re-reads the guest's four l3 entries at every call ("We cache the
     * current state of that table and shadow that, until the next CR3 write makes us refresh our cache": the copy
     * into {@code v->arch.paging.shadow.gl3e[]}) and installs, per slot, the top-level shadow of the l2 table the
     * present gl3e names ({@code sh_set_toplevel_shadow(v, i, gl2mfn, SH_type_l2_shadow)}, or an empty slot when the
     * gl3e is not present or its gfn is not RAM), then fabricates the shadow l3 ({@code l3table[i]}) from those four
     * (xen/arch/x86/mm/shadow/multi.c {@code sh_update_cr3}, HEAD c447b73 and tag 3.1.0-branched, where 3.1 uses
     * {@code SH_type_l2h_shadow} for slot 3). So after a CR3 load the guest runs only on shadow l1es under the l2
     * tables its newly loaded PDPTEs name. The model keeps one set of shadow l1es per top-level key (the PDPT
     * address): an entry of slot i stays when it was built through the l2 table (the first table of its walk) that
     * the PDPTE just loaded names, and goes otherwise (Xen would switch to another l2 shadow; the guest re-faults and
     * the entry is rebuilt from the new walk). Fixed (known issue stale-pae-shadow-after-pdpt-change): the model kept
     * every entry of the key, so after a PDPT change made while another CR3 was loaded (or before a same-value MOV
     * CR3) the guest still translated through what the old PDPTEs mapped.
     *
     * @return the number of shadow l1es dropped
     */
    @XenFunction(symbol = "sh_set_toplevel_shadow", file = "xen/arch/x86/mm/shadow/multi.c", version = "3.1, 4.22")
    private int installPaeTopLevel(long root, long[] gl3e) {
        long[] l2 = new long[4];
        for (int i = 0; i < 4; i++) {
            l2[i] = -1;
            if ((gl3e[i] & EntryBits.P) != 0) {
                // guest_l3e_get_gfn, then get_gfn_query_unlocked: only a RAM gfn gets a shadow (p2m_is_ram)
                P2mEntry e = p2m.getGfnTypeAccess((gl3e[i] & 0x000F_FFFF_FFFF_F000L) >>> 12, P2m.Query.QUERY);
                if (e.type().isRam() && e.mfnValid()) {
                    l2[i] = e.mfn();
                }
            }
        }
        return tables.removeIf(root, s -> {
            long want = l2[(int) ((s.vpn() >>> 18) & 3)];
            return want < 0 || s.tableMfns().isEmpty() || s.tableMfns().get(0) != want;
        });
    }

    /** {@code sh_invlpg}: with every L1 in sync the shadow is already right; only the hardware TLB is flushed. */
    @XenFunction(symbol = "sh_invlpg", file = "xen/arch/x86/mm/shadow/multi.c", version = "3.1, 4.22")
    public void shInvlpg(ShadowVcpu v, long va, Trace t) {
        t.call("sh_invlpg", "va", va, "result", "in_sync");
        fast(v).vtlbLive = false; // vtlb_flush (the whole vTLB, not just the page)
    }

    /**
     * {@code sh_update_paging_modes} after a guest change that alters how its entries are read (paging mode, CR4.PSE,
     * EFER.NXE): the model drops every shadow (conservative; Xen changes the shadow mode and rebuilds).
     */
    @XenFunction(symbol = "sh_update_paging_modes", file = "xen/arch/x86/mm/shadow/common.c", version = "3.1, 4.22")
    public void shUpdatePagingModes(ShadowVcpu v, Trace t) {
        tables.blowTables();
        t.call("sh_update_paging_modes", "result", "shadows_dropped");
        shUpdateCr3(v, t);
    }

    /** A write to guest memory that Xen's write protection catches (host_write on a shadowed page table). */
    public void guestMemoryWritten(long mfn, long offset, int size, Trace t) {
        if (tables.isPageTable(mfn)) {
            validateGuestPtWrite(mfn, offset, size, t);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Invariants

    /**
     * "The shadow never grants more than guest ∧ p2m" (§3.3), and "no writable mapping of a shadowed page table",
     * checked over every shadow l1e. Returns one line per violation (empty when all hold).
     */
    public List<String> checkInvariants() {
        List<String> out = new ArrayList<>();
        // read-only sweep in page order: walks of neighbouring pages share their upper levels (see UpperLevels)
        GuestWalker.UpperLevels upper = new GuestWalker.UpperLevels();
        for (Map.Entry<Long, TreeMap<Long, ShadowL1e>> r : tables.roots().entrySet()) {
            long root = r.getKey();
            GuestWalker.WalkContext rc = tables.rootContext(root);
            GuestWalker.WalkContext ctx = rc == null ? null : translateContext(rc);
            for (ShadowL1e s : r.getValue().values()) {
                long v = s.sl1e();
                GuestWalk w = ctx == null ? null
                        : GuestWalker.guestWalkTables(ctx, p2m, mem, s.vpn() << 12, 0, false, upper);
                if (ShadowMagic.isGnp(v)) {
                    // 3.1 with paging off: the guest table is the p2m, which maps only gfns with memory
                    boolean p2mMaps = w == null || !w.ok() || rc.mode() != null || !profile.unpagedTableIsP2m()
                            || (p2m.lookup(w.gfn()).type().isRam() && p2m.lookup(w.gfn()).mfnValid());
                    if (w != null && w.ok() && p2mMaps) {
                        out.add(where(root, s) + ": guest-not-present magic but the guest maps the page");
                    }
                    continue;
                }
                if ((v & EntryBits.P) == 0) {
                    continue;
                }
                if (w == null || !w.ok()) {
                    out.add(where(root, s) + ": shadow present but the guest walk fails");
                    continue;
                }
                P2mEntry pe = p2m.lookup(w.gfn());
                if (ShadowMagic.isMmio(v)) {
                    if (pe.type() != P2mType.MMIO_DM || ShadowMagic.mmioGfn(v) != (w.gfn() & 0xFFFFFFFFL)) {
                        out.add(where(root, s) + ": MMIO magic for a gfn that is not mmio_dm");
                    }
                    continue;
                }
                if (pe.mfn() != s.mfn() || (v >>> 12 & ((1L << 40) - 1)) != s.mfn()) {
                    out.add(where(root, s) + ": shadow maps mfn 0x" + Long.toHexString(s.mfn()) + ", p2m says 0x"
                            + Long.toHexString(pe.mfn()));
                }
                if ((v & EntryBits.US) != 0 && !w.rights().user()) {
                    out.add(where(root, s) + ": shadow grants U, the guest does not");
                }
                if ((v & EntryBits.RW) != 0) {
                    if (!w.rights().writable() || (w.leaf() & EntryBits.D) == 0) {
                        out.add(where(root, s) + ": shadow grants RW, the guest does not (or D is clear)");
                    }
                    if (pe.type().isReadOnly()) {
                        out.add(where(root, s) + ": shadow grants RW on a read-only p2m type "
                                + pe.type().wireName());
                    }
                    if (tables.isPageTable(s.mfn())) {
                        out.add(where(root, s) + ": writable mapping of a shadowed page table");
                    }
                }
                if ((v & EntryBits.XD) == 0 && w.rights().executeDisable()) {
                    out.add(where(root, s) + ": shadow allows execution, the guest has NX");
                }
                if ((w.leaf() & EntryBits.A) == 0) {
                    out.add(where(root, s) + ": shadow present while the guest entry has A clear");
                }
            }
        }
        return out;
    }

    /** The invariant report's location of a shadow l1e (built only for a violation). */
    private static String where(long root, ShadowL1e s) {
        return "root 0x" + Long.toHexString(root) + " va 0x" + Long.toHexString(s.vpn() << 12);
    }
}
