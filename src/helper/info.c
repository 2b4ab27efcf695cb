/* GetInfo (what the helper is and holds) and grpc.health.v1 Check. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "ethtrack/helper/v1/helper.pb-c.h"
#include "grpc/health/v1/health.pb-c.h"
#include "helper.h"
#include "rpc.h"

#define MAX_CAPS 64

static struct {
	Ethtrack__Helper__V1__HelperInfo msg;
	char names[MAX_CAPS][32];
	char *name_ptrs[MAX_CAPS];
} info = { .msg = ETHTRACK__HELPER__V1__HELPER_INFO__INIT };

/* Names of the capabilities the helper holds: its permitted set (the
 * effective set is empty except around the calls raised for), lower case as
 * libcap prints them ("cap_net_admin"). */
static void read_capabilities(void)
{
	info.msg.n_capabilities = 0;
	info.msg.capabilities = info.name_ptrs;
	cap_t caps = cap_get_proc();
	if (!caps)
		return;
	int max = cap_max_bits();
	for (int c = 0; c < max && info.msg.n_capabilities < MAX_CAPS; c++) {
		cap_flag_value_t on = CAP_CLEAR;
		if (cap_get_flag(caps, (cap_value_t)c, CAP_PERMITTED, &on) < 0 || on != CAP_SET)
			continue;
		char *name = cap_to_name((cap_value_t)c);
		if (!name)
			continue;
		size_t i = info.msg.n_capabilities++;
		snprintf(info.names[i], sizeof(info.names[i]), "%s", name);
		for (char *p = info.names[i]; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		info.name_ptrs[i] = info.names[i];
		cap_free(name);
	}
	cap_free(caps);
}

/* VmRSS, NoNewPrivs and Seccomp from /proc/self/status. */
static void read_status(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return;
	char line[256];
	unsigned long long value;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmRSS: %llu kB", &value) == 1)
			info.msg.resident_memory_bytes = value * 1024;
		else if (sscanf(line, "NoNewPrivs: %llu", &value) == 1)
			info.msg.no_new_privs = value != 0;
		else if (sscanf(line, "Seccomp: %llu", &value) == 1)
			info.msg.seccomp_mode = (uint32_t)value;
	}
	fclose(f);
}

const ProtobufCMessage *info_get(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	if (!ethtrack__helper__v1__get_info_request__unpack(rpc_allocator(ctx), len, req)) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	info.msg.version = ETHTRACK_VERSION;
	info.msg.pid = (uint32_t)getpid();
	info.msg.resident_memory_bytes = 0;
	info.msg.no_new_privs = 0;
	info.msg.seccomp_mode = 0;
	read_capabilities();
	read_status();
	return &info.msg.base;
}

const ProtobufCMessage *health_check(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	static Grpc__Health__V1__HealthCheckResponse response =
		GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__INIT;
	Grpc__Health__V1__HealthCheckRequest *request =
		grpc__health__v1__health_check_request__unpack(rpc_allocator(ctx), len, req);
	if (!request) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	if (request->service[0] != '\0' && strcmp(request->service, "ethtrack.helper.v1.Helper") != 0) {
		rpc_fail(ctx, RPC_NOT_FOUND, "unknown service %s", request->service);
		return NULL;
	}
	response.status = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING;
	return &response.base;
}
