/*
 * vmdemo.c - a small program whose capture exercises pagesim's VM model
 * (issue 14): a shared file mapping written and unmapped, a private file
 * mapping written, mprotect'ed and partly unmapped, a heap grown with brk,
 * a stack grown by a large local array, and a forked child that writes
 * two heap pages (copy-on-write) while the parent waits for it.
 * Counts that follow from it are checked in tests/e2e-import.sh.
 * Build: cc -O1 -o vmdemo vmdemo.c; run in a writable directory (it
 * creates vmdemo.dat there).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

/* Touch 64 pages of stack, from the top down. */
static int grow_stack(void)
{
	volatile char big[64 * PAGE];

	for (int i = 63; i >= 0; i--)
		big[i * PAGE] = (char)i;
	return big[0];
}

int main(void)
{
	int fd = open("vmdemo.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *sh, *pr, *heap;
	pid_t child;
	int status;

	if (fd < 0 || ftruncate(fd, 4 * PAGE) != 0)
		return 1;
	/* Shared: 3 of its 4 pages written, written back once each at munmap. */
	sh = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (sh == MAP_FAILED)
		return 1;
	for (int i = 0; i < 3; i++)
		sh[i * PAGE] = 1;
	munmap(sh, 4 * PAGE);
	/* Private: one page written (a private copy), then made read-only. */
	pr = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (pr == MAP_FAILED)
		return 1;
	pr[0] = 2;
	mprotect(pr, PAGE, PROT_READ);
	munmap(pr + PAGE, PAGE);
	close(fd);
	/* Heap: 5 pages by brk, all written. */
	heap = sbrk(0);
	if (sbrk(5 * PAGE) == (void *)-1)
		return 1;
	memset(heap, 3, 5 * PAGE);
	status = grow_stack();
	child = fork();
	if (child == 0) {
		/* The child writes 2 heap pages: 2 copy-on-write copies. */
		heap[8] = 4;
		heap[PAGE + 8] = 4;
		_exit(0);
	}
	waitpid(child, &status, 0);
	sbrk(-2 * PAGE);
	return heap[0] == 3 ? 0 : 1;
}
