package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.PagingMode;
import xpf.sim.x86.fixtures.PagingFixture;

/** §1.1d page-crossing accesses at their edges: exactly {@code size} bytes, a second page at physical frame 0. */
class LinearAccessEdgesTest {
    static final long PAGE1 = 0x400000;
    static final long PAGE2 = 0x401000;

    private static PagingFixture twoPages(long secondFrame) {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(PAGE1, 0x7000);
        f.map4k(PAGE2, secondFrame);
        return f;
    }

    @Test
    @DisplayName("1.1d a 4-byte read across pages takes exactly 4 bytes (the next byte in the second frame is not read)")
    void readTakesExactlySizeBytes() {
        PagingFixture f = twoPages(0x9000);
        f.mem.write(0x7FFE, 2, 0x2211);
        f.mem.write(0x9000, 4, 0x5544_4433L); // bytes 0x33 0x44 then 0x44 0x55 beyond the access
        LinearAccess.Result r = LinearAccess.read(f.mmu(), Access.read(PAGE2 - 2, 3), 4);
        assertThat(r.value()).isEqualTo(0x4433_2211L);
    }

    @Test
    @DisplayName("1.1d an 8-byte write across pages writes exactly 8 bytes (the bytes after it stay)")
    void writeTouchesExactlySizeBytes() {
        PagingFixture f = twoPages(0x9000);
        f.mem.write(0x9000, 8, 0x7777_7777_7777_7777L);
        assertThat(LinearAccess.write(f.mmu(), Access.write(PAGE2 - 2, 3), 8, 0x0807_0605_0403_0201L).ok()).isTrue();
        assertThat(f.mem.read(0x7FFE, 2)).isEqualTo(0x0201);
        assertThat(f.mem.read(0x9000, 8)).isEqualTo(0x7777_0807_0605_0403L);
    }

    @Test
    @DisplayName("1.1d a crossing access whose second page is physical frame 0 still splits at the page boundary")
    void secondPageAtPhysicalZero() {
        PagingFixture f = twoPages(0);
        f.mem.write(0x0, 2, 0xBBAA);
        f.mem.write(0x8000, 2, 0xEEEE); // the frame physically after the first one must not be used
        f.mem.write(0x7FFE, 2, 0x2211);
        LinearAccess.Result r = LinearAccess.read(f.mmu(), Access.read(PAGE2 - 2, 3), 4);
        assertThat(r.value()).isEqualTo(0xBBAA_2211L);
        LinearAccess.write(f.mmu(), Access.write(PAGE2 - 1, 3), 2, 0x9988);
        assertThat(f.mem.read(0x0, 1)).isEqualTo(0x99);
        assertThat(f.mem.read(0x7FFF, 1)).isEqualTo(0x88);
        assertThat(f.mem.read(0x8000, 2)).isEqualTo(0xEEEE);
    }

    @Test
    @DisplayName("1.1d an aligned 8-byte write within a page is one memory write (SDM vol. 3 §9.1.1: atomic), a "
            + "crossing one is split")
    void alignedWriteIsOneWrite() {
        PagingFixture f = twoPages(0x9000);
        java.util.List<Long> seen = new java.util.ArrayList<>();
        f.mem.setWriteObserver(pa -> {
            if ((pa >>> 12) == 0x7 || (pa >>> 12) == 0x9) { // the data frames (not the A/D updates of the tables)
                seen.add(pa);
            }
        });
        Mmu mmu = f.mmu();
        assertThat(LinearAccess.write(mmu, Access.write(PAGE1 + 0x10, 3), 8, 0x0102_0304_0506_0708L).ok()).isTrue();
        assertThat(seen).as("word addresses written").containsExactly(0x7010L);
        assertThat(LinearAccess.read(mmu, Access.read(PAGE1 + 0x10, 3), 8).value()).isEqualTo(0x0102_0304_0506_0708L);
        seen.clear();
        assertThat(LinearAccess.write(mmu, Access.write(PAGE2 - 4, 3), 8, -1L).ok()).isTrue();
        assertThat(seen).as("one write per byte across the boundary").hasSize(8);
    }
}
