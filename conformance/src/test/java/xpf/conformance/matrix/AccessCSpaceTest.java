package xpf.conformance.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** access.c's flag space: the legality rules reproduce the combination counts of x86-paging.md §2a exactly. */
class AccessCSpaceTest {

    @ParameterizedTest(name = "2a MAXPHYADDR {0}, PKU {1}, FEP {2}: {3} combinations")
    @CsvSource({"40,true,false,19169280", "40,false,false,1916928", "36,false,false,2899968",
        "36,true,false,28999680", "52,true,false,9338880", "40,true,true,38338560"})
    @DisplayName("2a access.c combination counts per paging depth")
    void countsMatchTheReference(int maxPhyAddr, boolean pku, boolean fep, long expected) {
        assertThat(new AccessCSpace(new AccessCSpace.Host(maxPhyAddr, pku, fep)).count()).isEqualTo(expected);
    }

    @Test
    @DisplayName("2a the index enumeration yields distinct legal flag sets")
    void enumerationIsLegalAndDistinct() {
        AccessCSpace s = new AccessCSpace(AccessCSpace.Host.TYPICAL);
        SplittableRandom r = new SplittableRandom(7);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            long idx = r.nextLong(s.count());
            int flags = s.flagsAt(idx);
            assertThat(AccessCSpace.legal(flags, s.host())).as(AccessCFlag.describe(flags)).isTrue();
            assertThat(AccessCFlag.PTE_BIT36.in(flags) || AccessCFlag.FEP.in(flags)).isFalse();
            seen.add(flags);
        }
        assertThat(seen.size()).isGreaterThan(19_980); // collisions only from repeated random indices
        assertThat(s.flagsAt(0)).isZero();
    }

    @Test
    @DisplayName("2a completable() agrees with brute force on random partial assignments")
    void completableIsExact() {
        AccessCSpace s = new AccessCSpace(AccessCSpace.Host.TYPICAL);
        SplittableRandom r = new SplittableRandom(11);
        int n = s.parameters();
        for (int trial = 0; trial < 300; trial++) {
            int[] partial = new int[n];
            for (int p = 0; p < n; p++) {
                partial[p] = r.nextInt(4) == 0 ? r.nextInt(s.size(p)) : -1;
            }
            boolean brute = false;
            // Brute force over the flags that take part in rules; the others cannot make a set illegal.
            int[] rulesFlags = {4, 6, 12, 13, 15, 17, 19, 20, 23, 24, 26, 28, 29};
            for (int bits = 0; bits < (1 << rulesFlags.length) && !brute; bits++) {
                int[] row = new int[n];
                for (int p = 0; p < n; p++) {
                    row[p] = partial[p] >= 0 ? partial[p] : 0;
                }
                boolean consistent = true;
                for (int i = 0; i < rulesFlags.length; i++) {
                    int p = rulesFlags[i];
                    int v = (bits >> i) & 1;
                    if (partial[p] >= 0 && partial[p] != v || v >= s.size(p)) {
                        consistent = false;
                        break;
                    }
                    row[p] = v;
                }
                brute = consistent && s.legal(row);
            }
            assertThat(s.completable(partial)).as(java.util.Arrays.toString(partial)).isEqualTo(brute);
        }
    }
}
