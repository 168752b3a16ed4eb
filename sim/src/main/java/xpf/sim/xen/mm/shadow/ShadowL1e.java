package xpf.sim.xen.mm.shadow;

import java.util.List;

/**
 * One shadow l1e as the hardware uses it, with where it came from. The model keeps Xen's shadow tables as a flat
 * map from (top-level shadow, linear page) to the leaf entry the hardware would reach through the upper shadow
 * levels: {@code sl1e} carries the <em>effective</em> rights of the whole shadow walk (U and RW ANDed, NX ORed over the
 * levels, as Xen's upper-level shadows copy the guest's upper-level rights), so a hardware walk of the real shadow
 * tables and a lookup here give the same translation and the same error code.
 *
 * @param vpn        linear page number (va >> 12)
 * @param sl1e       the entry: mfn << 12 | P|RW|US|A|D|NX, or a {@link ShadowMagic} value
 * @param gfn        the guest frame it maps (-1 for the gnp magic)
 * @param mfn        the machine frame it maps (-1 for magic entries)
 * @param gl1e       the guest leaf entry it was propagated from (a superpage's large entry for fl1 shadows)
 * @param guestSlots machine addresses of every guest entry on the walk it depends on (a write there revalidates it)
 * @param tableMfns  the guest page-table frames on that walk (unshadowing one of them drops the entry)
 * @param fl1        propagated from a guest superpage (Xen's "fl1" shadow)
 */
public record ShadowL1e(long vpn, long sl1e, long gfn, long mfn, long gl1e, List<Long> guestSlots,
        List<Long> tableMfns, boolean fl1) {
    public ShadowL1e {
        guestSlots = List.copyOf(guestSlots);
        tableMfns = List.copyOf(tableMfns);
    }

    public boolean magic() {
        return ShadowMagic.isMagic(sl1e);
    }

    public ShadowL1e withSl1e(long v) {
        return new ShadowL1e(vpn, v, gfn, mfn, gl1e, guestSlots, tableMfns, fl1);
    }
}
