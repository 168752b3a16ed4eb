package xpf.conformance.reference.xen;

import java.util.HashSet;
import java.util.Set;

/**
 * A prediction's working copy of a set of the view, without the copy: the view's set (never modified) plus what the
 * prediction added and removed. Membership, {@link #add} and {@link #remove} answer as {@link Set}'s would on a copy;
 * no iteration (the reference does not iterate these sets).
 */
final class OverlaySet<E> {
    private final Set<E> base;
    private Set<E> added;
    private Set<E> removed;

    OverlaySet(Set<E> base) {
        this.base = base;
    }

    boolean contains(E e) {
        if (added != null && added.contains(e)) {
            return true;
        }
        return base.contains(e) && (removed == null || !removed.contains(e));
    }

    /** {@link Set#add}: true when {@code e} was not a member. */
    boolean add(E e) {
        if (contains(e)) {
            return false;
        }
        if (removed != null) {
            removed.remove(e);
        }
        if (!base.contains(e)) {
            if (added == null) {
                added = new HashSet<>();
            }
            added.add(e);
        }
        return true;
    }

    /** {@link Set#remove}: true when {@code e} was a member. */
    boolean remove(E e) {
        if (!contains(e)) {
            return false;
        }
        if (added != null) {
            added.remove(e);
        }
        if (base.contains(e)) {
            if (removed == null) {
                removed = new HashSet<>();
            }
            removed.add(e);
        }
        return true;
    }
}
