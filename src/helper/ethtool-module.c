/* GetModuleEeprom: raw pages of one device's transceiver module EEPROM
 * (ETHTOOL_MSG_MODULE_EEPROM_GET by i2c address, page and bank).
 *
 * Some drivers take seconds to read a module (bnx2x is reported at 12 s),
 * and the helper serves one call at a time, so each read runs on a thread
 * of its own with its own netlink socket, and the call waits for it at most
 * deadline_ms. A read that outlives its deadline is answered TIMED_OUT and
 * left to finish in the background; until it does, every module read
 * answers BUSY, so a hung driver holds one thread. It still holds rtnl_lock
 * in the kernel, which the helper's other calls need too: see README's
 * "Known limits". */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethtrack/helper/v1/helper.pb-c.h"
#include "ethtool-netlink.h"
#include "ethtool.h"
#include "rpc.h"

#define PAGES_MAX 16
#define PAGE_HALF 128
#define DEADLINE_DEFAULT_MS 2000u
#define DEADLINE_MAX_MS 60000u
/* Module reads in flight at once, timed-out ones included: one. The kernel
 * runs MODULE_EEPROM_GET under rtnl_lock, so a second read (of any device)
 * would only wait on a driver that hangs in the first, one more thread
 * stuck in the kernel; it is answered BUSY at once instead. */
#define STUCK_MAX 1

struct page_req {
	uint8_t i2c, page, bank, offset, length;
};

struct job {
	char ifname[IFNAMSIZ];
	struct page_req pages[PAGES_MAX];
	uint8_t data[PAGES_MAX][PAGE_HALF];
	size_t n_pages, n_read;
	int err;
	bool done, abandoned;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint8_t rx[ETHNL_RX_BYTES];
};

static pthread_mutex_t stuck_lock = PTHREAD_MUTEX_INITIALIZER;
static char stuck[STUCK_MAX][IFNAMSIZ];

static struct {
	char ifname[IFNAMSIZ];
	unsigned ms;
} slow_double;

void ethnl_test_slow_module(const char *spec)
{
	const char *colon = strrchr(spec, ':');
	if (!colon || (size_t)(colon - spec) >= IFNAMSIZ)
		return;
	memcpy(slow_double.ifname, spec, colon - spec);
	slow_double.ifname[colon - spec] = '\0';
	slow_double.ms = (unsigned)strtoul(colon + 1, NULL, 10);
}

struct eeprom_copy {
	uint8_t *dst;
	size_t want, got;
};

static int eeprom_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct eeprom_copy *c = arg;
	const struct nlattr *a;
	ethnl_attrs_for_each(a, nlh)
	{
		if (mnl_attr_get_type(a) != ETHTOOL_A_MODULE_EEPROM_DATA)
			continue;
		size_t len = mnl_attr_get_payload_len(a);
		if (len > c->want)
			return -EBADMSG;
		memcpy(c->dst, mnl_attr_get_payload(a), len);
		c->got = len;
	}
	return 0;
}

/* One page read: the call that may need CAP_NET_ADMIN on some kernels. */
static int read_page(struct ethnl_sock *s, struct job *j, size_t i)
{
	uint8_t buf[256] __attribute__((aligned(4)));
	const struct page_req *p = &j->pages[i];
	struct nlmsghdr *nlh = ethnl_request(buf, s, ETHTOOL_MSG_MODULE_EEPROM_GET, false,
					     ETHTOOL_A_MODULE_EEPROM_HEADER, j->ifname, 0);
	mnl_attr_put_u32(nlh, ETHTOOL_A_MODULE_EEPROM_OFFSET, p->offset);
	mnl_attr_put_u32(nlh, ETHTOOL_A_MODULE_EEPROM_LENGTH, p->length);
	mnl_attr_put_u8(nlh, ETHTOOL_A_MODULE_EEPROM_PAGE, p->page);
	mnl_attr_put_u8(nlh, ETHTOOL_A_MODULE_EEPROM_BANK, p->bank);
	mnl_attr_put_u8(nlh, ETHTOOL_A_MODULE_EEPROM_I2C_ADDRESS, p->i2c);
	struct eeprom_copy c = { .dst = j->data[i], .want = p->length };
	int err = ethnl_talk(s, nlh, j->rx, eeprom_reply, &c);
	if (err == 0 && c.got != p->length)
		err = -EBADMSG;
	return err;
}

static void unmark_stuck(const char *ifname)
{
	pthread_mutex_lock(&stuck_lock);
	for (int i = 0; i < STUCK_MAX; i++)
		if (strcmp(stuck[i], ifname) == 0)
			stuck[i][0] = '\0';
	pthread_mutex_unlock(&stuck_lock);
}

static void *run_job(void *arg)
{
	struct job *j = arg;
	struct ethnl_sock s = { 0 };
	if (slow_double.ms && strcmp(slow_double.ifname, j->ifname) == 0) {
		struct timespec ts = { slow_double.ms / 1000, slow_double.ms % 1000 * 1000000L };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	int err = ethnl_open(&s, 0);
	s.admin = true; /* MODULE_EEPROM_GET is GENL_UNS_ADMIN_PERM */
	for (size_t i = 0; err == 0 && i < j->n_pages; i++) {
		err = read_page(&s, j, i);
		if (err == 0)
			j->n_read = i + 1;
	}
	ethnl_close(&s);

	pthread_mutex_lock(&j->lock);
	j->err = err;
	j->done = true;
	bool abandoned = j->abandoned;
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->lock);
	if (abandoned) {
		unmark_stuck(j->ifname);
		pthread_mutex_destroy(&j->lock);
		pthread_cond_destroy(&j->cond);
		free(j);
	}
	return NULL;
}

static struct {
	Ethtrack__Helper__V1__ModuleEepromReply msg;
	Ethtrack__Helper__V1__EepromPage pages[PAGES_MAX];
	Ethtrack__Helper__V1__EepromPage *ptrs[PAGES_MAX];
	uint8_t data[PAGES_MAX][PAGE_HALF];
	char error[96];
} reply;

static const char *validate(const Ethtrack__Helper__V1__ModuleEepromRequest *r, struct job *j)
{
	size_t len = strnlen(r->interface, IFNAMSIZ);
	if (len == 0 || len >= IFNAMSIZ || strchr(r->interface, '/'))
		return "invalid interface name";
	if (r->n_pages == 0 || r->n_pages > PAGES_MAX)
		return "1 to 16 pages must be asked for";
	for (size_t i = 0; i < r->n_pages; i++) {
		const Ethtrack__Helper__V1__EepromPage *p = r->pages[i];
		/* The kernel reads within one half page: 0-127 or 128-255. */
		if (p->i2c_address > 0x7f || p->page > 0xff || p->bank > 0xff ||
		    p->length == 0 || p->length > PAGE_HALF || p->offset > 0xff ||
		    p->offset / PAGE_HALF != (p->offset + p->length - 1) / PAGE_HALF)
			return "a page read outside one half page, or a bad address";
		j->pages[i] = (struct page_req){ p->i2c_address, p->page, p->bank, p->offset,
						 p->length };
	}
	memcpy(j->ifname, r->interface, len + 1);
	j->n_pages = r->n_pages;
	return NULL;
}

/* Drivers say "no module" in several ways; all of them mean nothing to read. */
static void set_status(int err)
{
	Ethtrack__Helper__V1__ModuleEepromReply *m = &reply.msg;
	if (err == -EOPNOTSUPP || err == -ENODEV || err == -EIO || err == -EINVAL)
		m->status = ETHTRACK__HELPER__V1__MODULE_EEPROM_REPLY__STATUS__NOT_SUPPORTED;
	else
		m->status = ETHTRACK__HELPER__V1__MODULE_EEPROM_REPLY__STATUS__ERROR;
	snprintf(reply.error, sizeof(reply.error), "%s%s",
		 err == -EBADMSG ? "malformed reply: " : "", strerror(-err));
	m->error = reply.error;
}

const ProtobufCMessage *ethtool_get_module_eeprom(struct rpc_ctx *ctx, const uint8_t *req,
						  size_t len)
{
	Ethtrack__Helper__V1__ModuleEepromRequest *request =
		ethtrack__helper__v1__module_eeprom_request__unpack(rpc_allocator(ctx), len, req);
	if (!request) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	struct job *j = calloc(1, sizeof(*j));
	if (!j) {
		rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	const char *invalid = validate(request, j);
	if (invalid) {
		free(j);
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "%s", invalid);
		return NULL;
	}
	int family = ethnl_family(); /* resolved here, on the main thread */
	if (family < 0) {
		free(j);
		rpc_fail(ctx, family == -EOPNOTSUPP ? RPC_FAILED_PRECONDITION : RPC_UNAVAILABLE,
			 "ethtool netlink family: %s", strerror(-family));
		return NULL;
	}
	ethtrack__helper__v1__module_eeprom_reply__init(&reply.msg);
	reply.msg.pages = reply.ptrs;

	int free_slot = -1;
	pthread_mutex_lock(&stuck_lock);
	for (int i = 0; i < STUCK_MAX; i++) {
		if (strcmp(stuck[i], j->ifname) == 0)
			free_slot = -2;
		else if (free_slot == -1 && stuck[i][0] == '\0')
			free_slot = i;
	}
	if (free_slot >= 0) /* marked until the read is known to have ended */
		memcpy(stuck[free_slot], j->ifname, IFNAMSIZ);
	pthread_mutex_unlock(&stuck_lock);
	if (free_slot < 0) {
		free(j);
		reply.msg.status = ETHTRACK__HELPER__V1__MODULE_EEPROM_REPLY__STATUS__BUSY;
		reply.msg.error = free_slot == -2 ? "an earlier read of this module has not ended"
						  : "too many module reads have not ended";
		return &reply.msg.base;
	}

	uint32_t ms = request->deadline_ms ? request->deadline_ms : DEADLINE_DEFAULT_MS;
	if (ms > DEADLINE_MAX_MS)
		ms = DEADLINE_MAX_MS;
	int64_t client = rpc_deadline_ms(ctx);
	if (client >= 0 && client < ms)
		ms = (uint32_t)client;
	pthread_mutex_init(&j->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&j->cond, &attr);
	pthread_condattr_destroy(&attr);

	pthread_t thread;
	int rc = pthread_create(&thread, NULL, run_job, j);
	if (rc != 0) {
		unmark_stuck(j->ifname);
		free(j);
		rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "module read thread: %s", strerror(rc));
		return NULL;
	}
	pthread_detach(thread);

	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&j->lock);
	while (!j->done && pthread_cond_timedwait(&j->cond, &j->lock, &until) != ETIMEDOUT)
		;
	bool done = j->done;
	if (!done)
		j->abandoned = true; /* the thread frees it and unmarks the device */
	pthread_mutex_unlock(&j->lock);
	if (!done) {
		reply.msg.status = ETHTRACK__HELPER__V1__MODULE_EEPROM_REPLY__STATUS__TIMED_OUT;
		snprintf(reply.error, sizeof(reply.error), "no answer within %u ms", ms);
		reply.msg.error = reply.error;
		return &reply.msg.base;
	}

	unmark_stuck(j->ifname);
	for (size_t i = 0; i < j->n_read; i++) {
		Ethtrack__Helper__V1__EepromPage *p = &reply.pages[i];
		ethtrack__helper__v1__eeprom_page__init(p);
		p->i2c_address = j->pages[i].i2c;
		p->page = j->pages[i].page;
		p->bank = j->pages[i].bank;
		p->offset = j->pages[i].offset;
		p->length = j->pages[i].length;
		memcpy(reply.data[i], j->data[i], p->length);
		p->data.data = reply.data[i];
		p->data.len = p->length;
		reply.ptrs[i] = p;
	}
	reply.msg.n_pages = j->n_read;
	if (j->err < 0)
		set_status(j->err);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->cond);
	free(j);
	return &reply.msg.base;
}

/* For the fuzz harness: one EEPROM reply into a half page. */
int ethtool_module_decode(const struct nlmsghdr *nlh)
{
	static uint8_t page[PAGE_HALF];
	struct eeprom_copy c = { .dst = page, .want = sizeof(page) };
	if (!ethnl_msg_valid(nlh))
		return -EBADMSG;
	return eeprom_reply(nlh, &c);
}
