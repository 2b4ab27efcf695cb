/* ethnl-decode: the helper's ethtool settings decoders over netlink replies
 * read from stdin, without a kernel or root, so the service's tests can hand
 * it replies no device here sends (link-down reasons, link partner modes,
 * compact and verbose bitsets) and read back the GetEthtoolSettings reply it
 * would send. Not installed; built beside the helper for the tests.
 *
 * stdin: records of [kind u8][length u32 little endian][attributes], kind as
 * in fuzz_requests.c (0-6, the settings kinds in ethtool-settings.c's
 * order). stdout: the packed EthtoolSettingsReply. Exit 1 naming the record
 * a decoder refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethtool-netlink.h"
#include "rpc.h"

/* The decoders reach neither the kernel nor a capability here. */
int net_admin_raise(void);
void net_admin_lower(void);
int net_admin_raise(void)
{
	return -1;
}
void net_admin_lower(void)
{
}

/* ethtool_get_settings() is linked but never called here. */
void rpc_fail(struct rpc_ctx *ctx, enum rpc_code code, const char *fmt, ...)
{
	abort();
}
ProtobufCAllocator *rpc_allocator(struct rpc_ctx *ctx)
{
	abort();
}
void rpc_after_reply(struct rpc_ctx *ctx, void (*fn)(void))
{
	abort();
}

static uint8_t in[1 << 20];
static uint8_t msg[NLMSG_HDRLEN + GENL_HDRLEN + 65536] __attribute__((aligned(8)));

int main(void)
{
	size_t len = fread(in, 1, sizeof(in), stdin);
	size_t at = 0;
	for (unsigned record = 0; at < len; record++) {
		uint32_t n;
		if (len - at < 5)
			return fprintf(stderr, "record %u: short header\n", record), 2;
		unsigned kind = in[at];
		memcpy(&n, in + at + 1, 4);
		at += 5;
		if (n > len - at || n > 65536 || kind >= ETHTOOL_SETTINGS_KINDS)
			return fprintf(stderr, "record %u: bad kind or length\n", record), 2;
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(msg);
		mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
		memcpy(mnl_nlmsg_get_payload_tail(nlh), in + at, n);
		nlh->nlmsg_len += n;
		at += n;
		int err = ethtool_settings_decode(kind, nlh, true);
		if (err < 0) {
			fprintf(stderr, "record %u: %s\n", record, strerror(-err));
			return 1;
		}
	}
	const ProtobufCMessage *reply = ethtool_settings_reply();
	if (!reply)
		return 2;
	size_t size = protobuf_c_message_get_packed_size(reply);
	uint8_t *out = malloc(size ? size : 1);
	if (!out || protobuf_c_message_pack(reply, out) != size)
		return 2;
	fwrite(out, 1, size, stdout);
	free(out);
	return 0;
}
