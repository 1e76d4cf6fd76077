/* bench/wl_msgbuf.c: the gc-latency-experiment (a message buffer).
 *
 * A rooted array object of `window` slots is a ring buffer of messages; each
 * of `pushes` pushes evicts the oldest message and stores a fresh one (an
 * object with no slots and a `msg-size` payload) in its place. The first
 * `window` pushes fill the buffer, as in the original experiment. Once full,
 * the live data is window x msg-size (about 200 MiB by default), all of it
 * old, and every push allocates: a collector that pauses in proportion to
 * the live data shows it in the worst push. The figure of merit is therefore
 * worst_op_ms, the slowest single push (timed with two clock reads per push,
 * about 40 ns), beside the usual pause log.
 *
 * Each message is filled with one byte value and tagged by its push index at
 * both ends; verification checks that the buffer holds exactly the last
 * `window` messages. */
#include "workload.h"

static const mmb_optdesc msgbuf_opts[] MMB_OPTTABLE = {
    {"window", MMB_OPT_INT, 200000, 1, 100000000, NULL, "messages kept in the ring buffer"},
    {"pushes", MMB_OPT_INT, 1000000, 0, 1e12, NULL, "messages pushed; each evicts the oldest (ops)"},
    {"msg-size", MMB_OPT_SIZE, 1024, 16, 1 << 30, NULL, "payload bytes of one message"},
    {0},
};

MMB_WORKLOAD_DESC(msgbuf, "ring buffer of messages, one evicted per push; reports the worst push",
                  msgbuf_opts, MMB_ALL_COLLECTORS);

#ifndef MMB_GC_NONE

#define MSG_TAG_SALT 0x6d73676275660000ull /* "msgbuf": keeps tags apart from small indices */

static uint64_t msg_tag(uint64_t push)
{
    uint64_t x = push ^ MSG_TAG_SALT;
    return mmb_splitmix64(&x);
}

/* A message is filled as its user would fill it (every byte written), then
 * its push index goes in the first word and a tag in the last. */
static void fill_msg(mmb_obj *m, uint64_t push)
{
    uint32_t n = m->nbytes;
    __builtin_memset(mmb_payload(m), (int)(push & 0xff), n);
    mmb_set_word(m, 0, push);
    uint64_t t = msg_tag(push);
    __builtin_memcpy(mmb_payload(m) + n - 8, &t, 8);
}

static int msg_ok(mmb_obj *m, uint64_t push, uint32_t size)
{
    if (!m || m->nslots != 0 || m->nbytes != size || mmb_get_word(m, 0) != push)
        return 0;
    uint64_t t;
    __builtin_memcpy(&t, mmb_payload(m) + size - 8, 8);
    return t == msg_tag(push) && (size < 24 || mmb_payload(m)[8] == (uint8_t)(push & 0xff));
}

/* One push: evict slot i, allocate the new message there. Returns its
 * duration in ns; the two clock reads are the whole timing overhead. */
static uint64_t push_one(mmb_heap *h, mmb_obj **buf, uint32_t i, uint64_t push, uint32_t size)
{
    uint64_t t0 = mmb_now_ns();
    mmb_dispose_slot(h, *buf, i);
    mmb_new_slot(h, buf, i, 0, size);
    fill_msg(mmb_load(*buf, i), push);
    return mmb_now_ns() - t0;
}

/* The buffer must hold pushes max(0, pushes - window) .. pushes - 1, each in
 * slot push % window, and nothing else. */
static int verify(mmb_obj *buf, uint32_t window, uint64_t pushes, uint32_t size)
{
    uint64_t first = pushes > window ? pushes - window : 0;
    for (uint64_t p = first; p < pushes; p++)
        if (!msg_ok(mmb_load(buf, (uint32_t)(p % window)), p, size))
            return 0;
    for (uint64_t s = pushes; s < window; s++)
        if (mmb_load(buf, (uint32_t)s))
            return 0;
    return 1;
}

MMB_WORKLOAD(msgbuf)
{
    uint32_t window = (uint32_t)mmb_opt_int(ctx->opts, "window");
    uint64_t pushes = (uint64_t)mmb_opt_int(ctx->opts, "pushes");
    uint32_t size = (uint32_t)mmb_opt_int(ctx->opts, "msg-size");
    mmb_heap *h = mmb_heap_create(ctx);
    mmb_obj *buf = NULL;
    mmb_root_push(h, &buf);
    mmb_new(h, &buf, window, 0);
    uint64_t worst = 0;
    uint32_t i = 0;
    mmb_metrics_begin();
    for (uint64_t p = 0; p < pushes; p++) {
        uint64_t d = push_one(h, &buf, i, p, size);
        worst = d > worst ? d : worst;
        i = i + 1 == window ? 0 : i + 1;
    }
    mmb_metrics_end();
    mmb_metrics_g.ops = pushes;
    mmb_metrics_g.worst_op_ms = (double)worst / 1e6;
    int ok = verify(buf, window, pushes, size);
    mmb_dispose(h, &buf);
    mmb_root_pop(h, 1);
    mmb_heap_destroy(h);
    return ok ? MMB_WL_OK : MMB_WL_VERIFY_FAILED;
}

#endif
