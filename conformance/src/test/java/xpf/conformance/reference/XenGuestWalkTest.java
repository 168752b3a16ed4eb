package xpf.conformance.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import xpf.model.x86.Access;
import xpf.model.x86.CpuConfig;
import xpf.model.x86.PagingControls;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.model.x86.Vendor;

/** Xen's guest walk (xen-hvm-fault-path.md §3.2, §3.4) on the reference tables. */
class XenGuestWalkTest {

    static final long P = 1;
    static final long RW = 2;
    static final long US = 4;
    static final long A = 0x20;
    static final long PS = 0x80;

    static XenGuestWalk.GuestMemory mem(Map<Long, Long> m, long badTableGfn) {
        TreeMap<Long, Long> t = new TreeMap<>(m);
        return new XenGuestWalk.GuestMemory() {
            @Override
            public boolean tableFrameOk(long gfn) {
                return gfn != badTableGfn;
            }

            @Override
            public long readEntry(long gpa, int bytes) {
                return t.getOrDefault(gpa, 0L);
            }
        };
    }

    static XenGuestWalk.Config cfg(XenGuestWalk.Variant v, boolean page1gb, boolean shadow) {
        return new XenGuestWalk.Config(v, new CpuConfig(Vendor.INTEL, 40, page1gb), shadow, null);
    }

    /** 4-level: PML4 at 0x1000, PDPT 0x2000; the PDPTE for va 0 is {@code pdpte}. */
    static Map<Long, Long> long4(long pdpte) {
        return Map.of(0x1000L, 0x2000L | P | RW | US | A, 0x2000L, pdpte);
    }

    @Test
    @DisplayName("hvm.3.2: no 1 GiB pages under shadow paging: PDPTE.PS is reserved (RSVD|P)")
    void noGigabytePagesUnderShadow() {
        Map<Long, Long> m = long4(0x4000_0000L | P | RW | US | A | PS);
        Access a = Access.read(0x1234, 3);
        XenGuestWalk.Result shadow = XenGuestWalk.walk(cfg(XenGuestWalk.Variant.XEN, false, true),
                PagingControls.long4(0x1000), mem(m, -1), a);
        assertThat(shadow.stop()).isEqualTo(XenGuestWalk.Stop.RESERVED);
        assertThat(shadow.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.RSVD | PfErrorCode.U);
        XenGuestWalk.Result hap = XenGuestWalk.walk(cfg(XenGuestWalk.Variant.HARDWARE, true, false),
                PagingControls.long4(0x1000), mem(m, -1), a);
        assertThat(hap.ok()).isTrue();
        assertThat(hap.pageSize()).isEqualTo(1L << 30);
    }

    @Test
    @DisplayName("hvm.3.2: PSE-36 bits of a 4 MiB PDE are reserved under shadow paging")
    void pse36ReservedUnderShadow() {
        PagingControls c = PagingControls.long4(0x1000).withMode(PagingMode.LEGACY2).withPse(true);
        Map<Long, Long> m = Map.of(0x1000L, 0x0040_0000L | (1L << 13) | P | RW | US | A | PS);
        Access a = Access.read(0x0, 0);
        assertThat(XenGuestWalk.walk(cfg(XenGuestWalk.Variant.XEN, false, true), c, mem(m, -1), a).stop())
                .isEqualTo(XenGuestWalk.Stop.RESERVED);
        assertThat(XenGuestWalk.walk(cfg(XenGuestWalk.Variant.HARDWARE, false, false), c, mem(m, -1), a).ok())
                .isTrue();
    }

    @Test
    @DisplayName("hvm.3.2: a page-table gfn that is not RAM ends the walk with P=0 (synthetic bits dropped)")
    void badTableFrame() {
        XenGuestWalk.Result r = XenGuestWalk.walk(cfg(XenGuestWalk.Variant.XEN, false, true),
                PagingControls.long4(0x1000), mem(long4(0x3000L | P | RW | US | A), 2), Access.write(0, 3));
        assertThat(r.stop()).isEqualTo(XenGuestWalk.Stop.NOT_PRESENT);
        assertThat(r.pfec()).isEqualTo(PfErrorCode.W | PfErrorCode.U);
    }

    @Test
    @DisplayName("hvm.3.4: the 2007 walker checks no reserved bits: PS in an L4e is followed as a pointer")
    void walker2007IgnoresReservedBits() {
        Map<Long, Long> m = Map.of(0x1000L, 0x2000L | P | RW | US | A | PS, 0x2000L, 0x3000L | P | RW | US | A,
                0x3000L, 0x4000L | P | RW | US | A, 0x4000L, 0x5000L | P | RW | US | A);
        XenGuestWalk.Result old = XenGuestWalk.walk(cfg(XenGuestWalk.Variant.XEN_2007, true, true),
                PagingControls.long4(0x1000), mem(m, -1), Access.read(0, 3));
        assertThat(old.ok()).isTrue();
        assertThat(old.gpa()).isEqualTo(0x5000L);
        XenGuestWalk.Result modern = XenGuestWalk.walk(cfg(XenGuestWalk.Variant.XEN, true, true),
                PagingControls.long4(0x1000), mem(m, -1), Access.read(0, 3));
        assertThat(modern.stop()).isEqualTo(XenGuestWalk.Stop.RESERVED);
    }

    @Test
    @DisplayName("hvm.3.2: A/D only after success: A on every level, D on the leaf of a write")
    void accessedDirty() {
        Map<Long, Long> m = Map.of(0x1000L, 0x2000L | P | RW | US, 0x2000L, 0x3000L | P | RW | US,
                0x3000L, 0x4000L | P | RW | US, 0x4000L, 0x5000L | P | RW | US);
        XenGuestWalk.Result ok = XenGuestWalk.walk(cfg(XenGuestWalk.Variant.XEN, false, true),
                PagingControls.long4(0x1000), mem(m, -1), Access.write(0, 3));
        assertThat(ok.adUpdates()).extracting(u -> u[0]).containsExactly(0x1000L, 0x2000L, 0x3000L, 0x4000L);
        assertThat(ok.adUpdates().get(3)[1]).isEqualTo(0x5000L | P | RW | US | A | 0x40);
        XenGuestWalk.Result denied = XenGuestWalk.walk(cfg(XenGuestWalk.Variant.XEN, false, true),
                PagingControls.long4(0x1000).withWp(true), mem(Map.of(0x1000L, 0x2000L | P | US, 0x2000L,
                        0x3000L | P | US, 0x3000L, 0x4000L | P | US, 0x4000L, 0x5000L | P | US), -1),
                Access.write(0, 3));
        assertThat(denied.stop()).isEqualTo(XenGuestWalk.Stop.RIGHTS);
        assertThat(denied.pfec()).isEqualTo(PfErrorCode.P | PfErrorCode.W | PfErrorCode.U);
        assertThat(denied.adUpdates()).isEmpty();
        assertThat(List.of(ok.tableGfns().size())).containsExactly(4);
    }
}
