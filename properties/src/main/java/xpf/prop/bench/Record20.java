package xpf.prop.bench;

/** The throughput benchmark's value: twenty fields of mixed kinds, like a small machine-state record. */
public record Record20(int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9,
                       long b0, long b1, long b2, long b3, long b4,
                       boolean c0, boolean c1, boolean c2,
                       String d0, String d1) {
}
