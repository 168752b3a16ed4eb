package xpf.sim.xen.mm.shadow;

import xpf.model.x86.Access;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.sim.x86.AccessRights;
import xpf.sim.x86.EntryBits;
import xpf.sim.x86.EntryLevel;
import xpf.sim.x86.ErrorCodes;
import xpf.sim.x86.PagingGeometry;
import xpf.sim.x86.ReservedBits;

/**
 * The processor translating a guest access through Xen's shadow tables (what the hardware walks while an HVM guest
 * runs under shadow paging). The hardware controls are Xen's, not the guest's (xen-hvm-fault-path.md §1.1/§2.1):
 * CR0.WP forced on, EFER.NXE = Xen's (on whenever the machine has NX), CR4.SMEP/SMAP as the guest set them (hidden
 * while guest paging is off), no protection keys. The error code is computed by the x86 rules of
 * {@code xpf.sim.x86} on the shadow entry, so a magic entry faults with RSVD|P, a missing one with P=0.
 *
 * <p>Modelling choice: the shadow is always 4-level (Xen uses 3-level PAE shadows for 2-level and PAE guests); the
 * error code does not change because the hardware's NXE is Xen's either way. There is no hardware TLB: Xen keeps
 * the shadow coherent (write protection, validation) and a TLB over it would only add the flushes Xen does.
 */
public final class ShadowHardware {

    /** How the access ended: translated, #PF with the hardware error code, or #GP/#SS (non-canonical). */
    public enum Status { OK, PAGE_FAULT, GP, SS }

    public record Result(Status status, long hpa, int errorCode, long la, ShadowL1e entry) {
        public boolean ok() {
            return status == Status.OK;
        }
    }

    private ShadowHardware() {
    }

    /** The controls the hardware runs the guest with under shadow paging. */
    public static PagingControls hardwareControls(PagingControls guest, boolean guestPaging, boolean hostNx) {
        PagingControls c = guest.withMode(PagingMode.LONG4).withWp(true).withNxe(hostNx).withPke(false)
                .withPks(false);
        if (!guestPaging) {
            c = c.withSmep(false).withSmap(false);
        }
        return c;
    }

    public static Result translate(ShadowTables tables, long root, Access a, PagingMode guestMode,
            PagingControls hw, CpuConfig cpu) {
        long la = a.va();
        boolean wide = guestMode == PagingMode.LONG4 || guestMode == PagingMode.LONG5;
        if (wide && !PagingGeometry.canonical(guestMode, la)) {
            return new Result(a.stack() ? Status.SS : Status.GP, 0, 0, la, null);
        }
        if (!wide) {
            la &= 0xFFFFFFFFL;
        }
        int ec = ErrorCodes.base(a, hw);
        ShadowL1e e = tables.get(root, la >>> 12);
        if (e == null || (e.sl1e() & EntryBits.P) == 0) {
            return new Result(Status.PAGE_FAULT, 0, ec, la, e);
        }
        long v = e.sl1e();
        if ((v & ReservedBits.mask(PagingMode.LONG4, EntryLevel.PTE, v, cpu, hw)) != 0) {
            return new Result(Status.PAGE_FAULT, 0, ec | PfErrorCode.P | PfErrorCode.RSVD, la, e);
        }
        AccessRights.Effective r = new AccessRights.Effective((v & EntryBits.US) != 0, (v & EntryBits.RW) != 0,
                hw.eferNxe() && (v & EntryBits.XD) != 0, 0);
        int deny = AccessRights.check(a, r, hw, true);
        if (deny != 0) {
            return new Result(Status.PAGE_FAULT, 0, ec | deny, la, e);
        }
        // The processor takes the frame from the entry's address bits (51:12, below MAXPHYADDR), not from the model's
        // bookkeeping: a magic entry that is no fault on this CPU (xen-3.1's all-ones gnp sl1e on a MAXPHYADDR-52 host
        // with NX: no reserved bit left) maps the frame its address bits name (x86-paging.md §1.1a "Final PA").
        return new Result(Status.OK, xpf.sim.x86.PageWalker.leafAddress(PagingMode.LONG4, EntryLevel.PTE, v, la,
                4096, cpu.maxPhyAddr()), 0, la, e);
    }
}
