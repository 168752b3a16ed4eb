package xpf.sim.xen.mm.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.PagingMode;
import xpf.sim.trace.Trace;
import xpf.sim.trace.TraceEvent;

/**
 * The magic shadow l1es of the fast fault path ({@code sh_l1e_mmio}, {@code sh_l1e_gnp}, shadow/types.h;
 * xen-hvm-fault-path.md §3.3) and the TRC_SHADOW_* record layouts (§6): event id = 0x0040F000 + N, + 0x100 for a
 * PAE guest, + 0x200 for a 64-bit guest; 32-bit words for 2-level guests, two words (low first) for wide values.
 */
class ShadowMagicAndTraceTest {

    @Test
    @DisplayName("§3.3 magic mask = bits 36..63 plus P; gnp = all ones; MMIO = magic with bit 3 clear")
    void magicPatterns() {
        long mask = 0xFFFFFFF000000001L;
        assertThat(ShadowMagic.MAGIC_MASK).isEqualTo(mask);
        assertThat(ShadowMagic.isMagic(mask)).isTrue();
        assertThat(ShadowMagic.isMagic(mask & ~1L)).as("P clear: not magic").isFalse();
        assertThat(ShadowMagic.isMagic(mask & ~(1L << 36))).as("bit 36 clear: not magic").isFalse();
        assertThat(ShadowMagic.isMagic(mask & ~(1L << 63))).as("bit 63 clear: not magic").isFalse();
        assertThat(ShadowMagic.isMagic(0x1234007L)).as("an ordinary entry").isFalse();
        assertThat(ShadowMagic.isGnp(-1L)).isTrue();
        assertThat(ShadowMagic.isGnp(-2L)).isFalse();
        assertThat(ShadowMagic.isMmio(-1L)).as("gnp has bit 3 set: not MMIO").isFalse();
        assertThat(ShadowMagic.isMmio(mask)).isTrue();
        assertThat(ShadowMagic.isMmio(mask | 0x8)).isFalse();
        assertThat(ShadowMagic.isMmio(0x2000007L)).isFalse();
    }

    @Test
    @DisplayName("§3.3 sh_l1e_mmio: gfn in bits 4..35, U and RW copied from the guest, reads back the gfn")
    void mmioEntry() {
        long e = ShadowMagic.mmio(0x2000, true, false);
        assertThat(e).isEqualTo(0xFFFFFFF000000001L | (0x2000L << 4) | 0x4);
        assertThat(ShadowMagic.isMmio(e)).isTrue();
        assertThat(ShadowMagic.mmioGfn(e)).isEqualTo(0x2000);
        assertThat(ShadowMagic.mmio(0x2000, false, true) & 0x6).isEqualTo(0x2);
        assertThat(ShadowMagic.mmio(0x2000, false, false) & 0x6).isZero();
        long big = ShadowMagic.mmio(0xFFFFFFFFL, true, true);
        assertThat(ShadowMagic.mmioGfn(big)).as("32 gfn bits fit").isEqualTo(0xFFFFFFFFL);
        assertThat(ShadowMagic.mmioGfn(ShadowMagic.mmio(0x1_0000_0001L, true, true)))
                .as("a gfn above 32 bits is truncated to the field").isEqualTo(1);
    }

    @Test
    @DisplayName("§3.3 the MMIO magic needs a reserved address bit: usable below MAXPHYADDR 52 only")
    void usable() {
        assertThat(ShadowMagic.usable(36)).isTrue();
        assertThat(ShadowMagic.usable(51)).isTrue();
        assertThat(ShadowMagic.usable(52)).isFalse();
    }

    @Test
    @DisplayName("§6 event ids: level bits 0 (2-level, unpaged), 0x100 (PAE), 0x200 (64-bit, 5-level); none for "
            + "WRMAP_BF/PREALLOC_UNPIN")
    void ids() {
        assertThat(ShadowTrace.levelBits(null)).isZero();
        assertThat(ShadowTrace.levelBits(PagingMode.LEGACY2)).isZero();
        assertThat(ShadowTrace.levelBits(PagingMode.PAE)).isEqualTo(0x100);
        assertThat(ShadowTrace.levelBits(PagingMode.LONG4)).isEqualTo(0x200);
        assertThat(ShadowTrace.levelBits(PagingMode.LONG5)).isEqualTo(0x200);
        assertThat(ShadowTrace.id(ShadowTrace.NOT_SHADOW, PagingMode.LONG4)).isEqualTo(0x0040F201);
        assertThat(ShadowTrace.id(ShadowTrace.EMULATE_UNSHADOW_UNHANDLED, PagingMode.PAE)).isEqualTo(0x0040F10B);
        assertThat(ShadowTrace.id(ShadowTrace.WRMAP_BF, PagingMode.LONG4)).isEqualTo(0x0040F00C);
        assertThat(ShadowTrace.id(ShadowTrace.PREALLOC_UNPIN, PagingMode.PAE)).isEqualTo(0x0040F00D);
    }

    private static TraceEvent only(Trace t) {
        List<TraceEvent> ev = t.events();
        assertThat(ev).hasSize(1);
        assertThat(ev.get(0).kind()).isEqualTo(TraceEvent.Kind.XENTRACE);
        return ev.get(0);
    }

    @Test
    @DisplayName("§6 (gl1e, va, flags) records: 2-level one word each; PAE a two-word gl1e, one-word va; 64-bit two "
            + "words each, low first")
    void gl1eVaFlags() {
        Trace t = new Trace();
        ShadowTrace.gl1eVaFlags(t, ShadowTrace.FIXUP, PagingMode.LEGACY2, 0x1_2345_6067L, 0x8_0040_0000L, 5);
        assertThat(only(t).line()).endsWith("TRC_SHADOW_FIXUP id=0x0040f006 d0=0x23456067 d1=0x400000 d2=0x5");
        t = new Trace();
        ShadowTrace.gl1eVaFlags(t, ShadowTrace.NOT_SHADOW, PagingMode.PAE, 0x8000_0001_2345_6067L, 0xc040_0000L,
                0x404);
        assertThat(only(t).line()).endsWith(
                "TRC_SHADOW_NOT_SHADOW id=0x0040f101 d0=0x23456067 d1=0x80000001 d2=0xc0400000 d3=0x404");
        t = new Trace();
        ShadowTrace.gl1eVaFlags(t, ShadowTrace.FIXUP, PagingMode.LONG4, 0x8000_0001_2345_6067L,
                0xffff_8000_0040_0000L, -1);
        assertThat(only(t).line()).endsWith("TRC_SHADOW_FIXUP id=0x0040f206 d0=0x23456067 d1=0x80000001 "
                + "d2=0x400000 d3=0xffff8000 d4=0xffffffff");
        t = new Trace();
        ShadowTrace.gl1eVaFlags(t, ShadowTrace.FIXUP, null, 0x1_0000_0007L, 0x1000, 0);
        assertThat(only(t).line()).as("guest paging off: narrow").endsWith("id=0x0040f006 d0=0x7 d1=0x1000 d2=0x0");
    }

    @Test
    @DisplayName("§6 (va) records and (gfn, va, flags) records")
    void vaAndGfnRecords() {
        Trace t = new Trace();
        ShadowTrace.va(t, ShadowTrace.FAST_MMIO, PagingMode.LONG5, 0x1_0070_0000L);
        assertThat(only(t).line()).endsWith("TRC_SHADOW_FAST_MMIO id=0x0040f203 d0=0x700000 d1=0x1");
        t = new Trace();
        ShadowTrace.va(t, ShadowTrace.MMIO, PagingMode.PAE, 0x1_0070_0000L);
        assertThat(only(t).line()).endsWith("TRC_SHADOW_MMIO id=0x0040f105 d0=0x700000");
        t = new Trace();
        ShadowTrace.gfnVaFlags(t, ShadowTrace.EMULATE_UNSHADOW_USER, PagingMode.LEGACY2, 0x1_0000_1034L,
                0x60_0000L, 3);
        assertThat(only(t).line()).as("2-level: 32-bit gfn").endsWith(
                "TRC_SHADOW_EMULATE_UNSHADOW_USER id=0x0040f009 d0=0x1034 d1=0x600000 d2=0x3");
        t = new Trace();
        ShadowTrace.gfnVaFlags(t, ShadowTrace.EMULATE_UNSHADOW_EVTINJ, PagingMode.PAE, 0x1_0000_1034L,
                0x1_0060_0000L, 3);
        assertThat(only(t).line()).endsWith(
                "TRC_SHADOW_EMULATE_UNSHADOW_EVTINJ id=0x0040f10a d0=0x1034 d1=0x1 d2=0x600000 d3=0x3");
        t = new Trace();
        ShadowTrace.gfnVaFlags(t, ShadowTrace.EMULATE_UNSHADOW_UNHANDLED, PagingMode.LONG4, 0x1034, 0x1_0060_0000L,
                0);
        assertThat(only(t).line()).endsWith("id=0x0040f20b d0=0x1034 d1=0x0 d2=0x600000 d3=0x1 d4=0x0");
        t = new Trace();
        ShadowTrace.gfn(t, ShadowTrace.WRMAP_BF, 0x1_0000_1034L);
        assertThat(only(t).line()).endsWith("TRC_SHADOW_WRMAP_BF id=0x0040f00c d0=0x1034");
    }

    @Test
    @DisplayName("§6 TRC_SHADOW_EMULATE: gl1e, value written, va, then flags:29 + emulation_count:3")
    void emulateRecord() {
        Trace t = new Trace();
        ShadowTrace.emulate(t, PagingMode.LONG4, 0x1010067L, 0x8000_0000_0101_1067L, 0x60_0010L, 0xFFFF_FFFF, 9);
        assertThat(only(t).line()).endsWith("TRC_SHADOW_EMULATE id=0x0040f208 d0=0x1010067 d1=0x0 d2=0x1011067 "
                + "d3=0x80000000 d4=0x600010 d5=0x0 d6=0x3fffffff");
        t = new Trace();
        ShadowTrace.emulate(t, PagingMode.LEGACY2, 0x1_0101_0067L, 0x2_0101_1067L, 0x60_0010L, 0x4, 1);
        assertThat(only(t).line()).endsWith(
                "TRC_SHADOW_EMULATE id=0x0040f008 d0=0x1010067 d1=0x1011067 d2=0x600010 d3=0x20000004");
        t = new Trace();
        ShadowTrace.emulate(t, PagingMode.PAE, 0x1_0101_0067L, 0x2_0101_1067L, 0x60_0010L, 0, 1);
        assertThat(only(t).line()).endsWith(
                "id=0x0040f108 d0=0x1010067 d1=0x1 d2=0x1011067 d3=0x2 d4=0x600010 d5=0x20000000");
    }
}
