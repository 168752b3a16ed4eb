package xpf.sim.cli;

/**
 * {@code --shard i/n}: shard {@code i} (0-based) of {@code n} takes the contiguous index range
 * {@code [total*i/n, total*(i+1)/n)}; the union of all shards is exactly {@code [0, total)} with no overlap.
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new UserError("--shard: expected i/n with 0 <= i < n, got " + index + "/" + count);
        }
    }

    /** Parses "i/n". */
    public static Shard parse(String s) {
        String[] parts = s.split("/");
        if (parts.length != 2) {
            throw new UserError("--shard: expected i/n (e.g. 0/4), got '" + s + "'");
        }
        try {
            return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new UserError("--shard: expected i/n (e.g. 0/4), got '" + s + "'");
        }
    }

    public long from(long total) {
        return boundary(total, index);
    }

    public long to(long total) {
        return boundary(total, index + 1);
    }

    /** total * k / count without overflow. */
    private long boundary(long total, int k) {
        return java.math.BigInteger.valueOf(total).multiply(java.math.BigInteger.valueOf(k))
                .divide(java.math.BigInteger.valueOf(count)).longValueExact();
    }

    /** Whether item {@code i} of a list belongs to this shard (round-robin, for lists like scenario files). */
    public boolean owns(long i) {
        return Math.floorMod(i, count) == index;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
