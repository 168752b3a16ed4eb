package xpf.sim.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static xpf.sim.x86.assertions.XpfAssertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import xpf.model.x86.Access;
import xpf.model.x86.PagingMode;
import xpf.model.x86.PfErrorCode;
import xpf.sim.x86.fixtures.PagingFixture;

/** §1.1d: accesses that straddle a page boundary translate both pages; a fault on the second reports its first byte. */
class LinearAccessTest {
    static final long PAGE1 = 0x400000;
    static final long PAGE2 = 0x401000;

    private static PagingFixture twoPages(boolean secondMapped) {
        PagingFixture f = PagingFixture.of(PagingMode.LONG4);
        f.map4k(PAGE1, 0x7000);
        if (secondMapped) {
            f.map4k(PAGE2, 0x9000); // not physically contiguous with 0x7000
        }
        return f;
    }

    @Test
    @DisplayName("1.1d an 8-byte read across a page boundary takes its bytes from both frames")
    void readAcross() {
        PagingFixture f = twoPages(true);
        f.mem.write(0x7FFC, 4, 0x44332211L);
        f.mem.write(0x9000, 4, 0x88776655L);
        LinearAccess.Result r = LinearAccess.read(f.mmu(), Access.read(PAGE2 - 4, 3), 8);
        assertThat(r.ok()).isTrue();
        assertThat(r.value()).isEqualTo(0x8877665544332211L);
        assertThat(r.pa()).isEqualTo(0x7FFC);
    }

    @Test
    @DisplayName("1.1d an 8-byte write across a page boundary lands in both frames")
    void writeAcross() {
        PagingFixture f = twoPages(true);
        LinearAccess.Result r = LinearAccess.write(f.mmu(), Access.write(PAGE2 - 2, 3), 8, 0x0807060504030201L);
        assertThat(r.ok()).isTrue();
        assertThat(f.mem.read(0x7FFE, 2)).isEqualTo(0x0201);
        assertThat(f.mem.read(0x9000, 4)).isEqualTo(0x06050403L);
        assertThat(f.mem.read(0x9004, 2)).isEqualTo(0x0807);
    }

    @Test
    @DisplayName("1.1d a fault on the second page: CR2 is that page's first byte, and nothing is written")
    void faultOnSecondPage() {
        PagingFixture f = twoPages(false);
        LinearAccess.Result r = LinearAccess.write(f.mmu(), Access.write(PAGE2 - 2, 3), 4, 0xAABBCCDDL);
        assertThat(r.ok()).isFalse();
        assertThat(r.fault()).isPageFault(PfErrorCode.W | PfErrorCode.U);
        assertThat(r.fault().la()).isEqualTo(PAGE2);
        assertThat(f.mem.read(0x7FFE, 2)).isZero();
    }

    @Test
    @DisplayName("1.1d an access within one page reads and writes exactly its bytes")
    void withinOnePage() {
        PagingFixture f = twoPages(false);
        Mmu mmu = f.mmu();
        assertThat(LinearAccess.write(mmu, Access.write(PAGE1 + 0x10, 3), 2, 0xBEEF).ok()).isTrue();
        assertThat(f.mem.readWord(0x7010)).isEqualTo(0xBEEF);
        assertThat(LinearAccess.read(mmu, Access.read(PAGE1 + 0x11, 3), 1).value()).isEqualTo(0xBE);
    }
}
