package xpf.model.xen;

import java.util.AbstractSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An immutable sorted set that owns its storage (the set counterpart of {@link FrozenSortedMap}): the views' compact
 * constructors copy every set they are given, except one that is already frozen, so a producer that builds a frozen
 * set saves the second copy.
 *
 * <p>Behaves exactly like {@code Collections.unmodifiableSortedSet(new TreeSet<>(source))}: same iteration order,
 * same {@code equals}/{@code hashCode}/{@code toString}, sub-sets are unmodifiable views.
 */
public final class FrozenSortedSet<E> extends AbstractSet<E> implements SortedSet<E> {

    private final SortedSet<E> set;

    private FrozenSortedSet(TreeSet<E> owned) {
        this.set = Collections.unmodifiableSortedSet(owned);
    }

    /** {@code source} itself when it is already frozen, else a frozen copy of it. */
    @SuppressWarnings("unchecked")
    public static <E> SortedSet<E> copyOf(Collection<? extends E> source) {
        if (source instanceof FrozenSortedSet<?> f) {
            return (SortedSet<E>) f;
        }
        return new FrozenSortedSet<>(new TreeSet<>(source));
    }

    @Override
    public Comparator<? super E> comparator() {
        return set.comparator();
    }

    @Override
    public SortedSet<E> subSet(E fromElement, E toElement) {
        return set.subSet(fromElement, toElement);
    }

    @Override
    public SortedSet<E> headSet(E toElement) {
        return set.headSet(toElement);
    }

    @Override
    public SortedSet<E> tailSet(E fromElement) {
        return set.tailSet(fromElement);
    }

    @Override
    public E first() {
        return set.first();
    }

    @Override
    public E last() {
        return set.last();
    }

    @Override
    public Iterator<E> iterator() {
        return set.iterator();
    }

    @Override
    public int size() {
        return set.size();
    }

    @Override
    public boolean isEmpty() {
        return set.isEmpty();
    }

    @Override
    public boolean contains(Object o) {
        return set.contains(o);
    }

    @Override
    public boolean containsAll(Collection<?> c) {
        return set.containsAll(c);
    }

    @Override
    public Object[] toArray() {
        return set.toArray();
    }

    @Override
    public <T> T[] toArray(T[] a) {
        return set.toArray(a);
    }

    @Override
    public boolean add(E e) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean remove(Object o) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean addAll(Collection<? extends E> c) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean removeIf(java.util.function.Predicate<? super E> filter) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || set.equals(o);
    }

    @Override
    public int hashCode() {
        return set.hashCode();
    }

    @Override
    public String toString() {
        return set.toString();
    }
}
