#include "config.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "machine/vma.h"

/* Index of the first mapping whose end is above vpn (n if none). */
static size_t vma_lower_bound(const struct vma_list *l, uint64_t vpn)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].end <= vpn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vma *vma_find(const struct vma_list *l, uint64_t vpn)
{
	size_t i = vma_lower_bound(l, vpn);

	return i < l->n && l->v[i].start <= vpn ? &l->v[i] : NULL;
}

struct vma *vma_overlap(const struct vma_list *l, uint64_t start, uint64_t end)
{
	size_t i = vma_lower_bound(l, start);

	return i < l->n && l->v[i].start < end ? &l->v[i] : NULL;
}

struct vma *vma_above(const struct vma_list *l, uint64_t vpn)
{
	size_t i = vma_lower_bound(l, vpn);

	if (i < l->n && l->v[i].start <= vpn)
		i++;
	return i < l->n ? &l->v[i] : NULL;
}

bool vma_insert(struct vma_list *l, const struct vma *v)
{
	size_t i = vma_lower_bound(l, v->start);

	assert(v->start < v->end && vma_overlap(l, v->start, v->end) == NULL);
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct vma *nv = realloc(l->v, cap * sizeof *nv);

		if (nv == NULL)
			return false;
		l->v = nv;
		l->cap = cap;
	}
	memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof *l->v);
	l->v[i] = *v;
	l->n++;
	return true;
}

void vma_trim(struct vma_list *l, struct vma *m, uint64_t start, uint64_t end)
{
	size_t i = (size_t)(m - l->v);

	assert(i < l->n && m->start <= start && start < end && end <= m->end);
	assert((start == m->start || end == m->end) && "vma_trim punches no holes");
	if (start == m->start && end == m->end) {
		memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
		l->n--;
	} else if (start == m->start) {
		m->file_page += end - m->start;
		m->start = end;
	} else {
		m->end = start;
	}
}

bool vma_split(struct vma_list *l, uint64_t vpn)
{
	struct vma *m = vma_find(l, vpn), tail;

	if (m == NULL || m->start == vpn)
		return true;
	tail = *m;
	tail.start = vpn;
	tail.file_page += vpn - m->start;
	m->end = vpn;
	return vma_insert(l, &tail);
}

bool vma_copy(struct vma_list *dst, const struct vma_list *src)
{
	assert(dst->n == 0);
	if (src->n == 0)
		return true;
	if (dst->cap < src->n) {
		struct vma *nv = realloc(dst->v, src->n * sizeof *nv);

		if (nv == NULL)
			return false;
		dst->v = nv;
		dst->cap = src->n;
	}
	memcpy(dst->v, src->v, src->n * sizeof *src->v);
	dst->n = src->n;
	return true;
}

void vma_clear(struct vma_list *l)
{
	free(l->v);
	*l = (struct vma_list){ 0 };
}
