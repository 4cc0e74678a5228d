// SPDX-License-Identifier: MIT
/*
 * netlink: see netlink.h. One request at a time, always acknowledged (libnl
 * adds NLM_F_ACK), so every request ends with the kernel's own errno, which the
 * error callback keeps: libnl's own codes would lose it. libnl opens the socket
 * close-on-exec: nothing launch runs (nft, boxinit) inherits it.
 */
#include "netlink.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int rtn_open(struct rtn *rt)
{
	int r;

	rt->sk = nl_socket_alloc();
	if (!rt->sk)
		return -ENOMEM;
	errno = 0;
	r = nl_connect(rt->sk, NETLINK_ROUTE);
	if (r < 0) {
		r = errno ? -errno : -EIO;
		rtn_close(rt);
		return r;
	}
	return 0;
}

void rtn_close(struct rtn *rt)
{
	if (rt->sk)
		nl_socket_free(rt->sk); /* closes the socket */
	rt->sk = NULL;
}

/* What one request's answer came to. */
struct answer {
	int (*cb)(const struct nlmsghdr *nlh, void *data); /* data messages; may be NULL */
	void *data;
	int err; /* the kernel's -errno, or 0 */
	bool done;
};

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct answer *a = arg;

	(void)who;
	a->err = e->error;
	a->done = true;
	return NL_STOP;
}

/* The ACK of a request, or the DONE that ends a dump. */
static int on_end(struct nl_msg *msg, void *arg)
{
	struct answer *a = arg;

	(void)msg;
	a->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct answer *a = arg;

	if (a->cb)
		(void)a->cb(nlmsg_hdr(msg), a->data);
	return NL_OK;
}

/* Sends msg (and frees it), then reads until the kernel's ACK or error, or the DONE
 * of a dump; cb sees every data message. */
static int talk(struct rtn *rt, struct nl_msg *msg,
                int (*cb)(const struct nlmsghdr *nlh, void *data), void *data)
{
	struct answer a = {.cb = cb, .data = data};
	struct nl_cb *c = nl_cb_alloc(NL_CB_DEFAULT);
	int r;

	if (!c) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_err(c, NL_CB_CUSTOM, on_error, &a);
	nl_cb_set(c, NL_CB_ACK, NL_CB_CUSTOM, on_end, &a);
	nl_cb_set(c, NL_CB_FINISH, NL_CB_CUSTOM, on_end, &a);
	nl_cb_set(c, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &a);
	errno = 0;
	r = nl_send_auto(rt->sk, msg);
	nlmsg_free(msg);
	while (r >= 0 && !a.done) {
		errno = 0;
		r = nl_recvmsgs(rt->sk, c);
	}
	nl_cb_put(c);
	if (a.done)
		return a.err;
	return errno ? -errno : -EIO;
}

/* A message with a fixed header of hdrlen bytes copied from hdr, or NULL. */
static struct nl_msg *new_msg(int type, int flags, const void *hdr, size_t hdrlen)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (msg && nlmsg_append(msg, (void *)hdr, hdrlen, NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static struct nl_msg *link_msg(int type, int flags, unsigned index)
{
	struct ifinfomsg ifm = {.ifi_family = AF_UNSPEC, .ifi_index = (int)index};

	return new_msg(type, flags, &ifm, sizeof(ifm));
}

/* The attributes were put, or the message is freed and -EMSGSIZE returned. */
static int put_or_free(struct nl_msg *msg, bool ok)
{
	if (ok)
		return 0;
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int rtn_veth_create(struct rtn *rt, const char *host, const char *peer, int netns_fd)
{
	struct nl_msg *msg = link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct ifinfomsg pifm = {.ifi_family = AF_UNSPEC};
	struct nlattr *info = NULL, *data = NULL, *peer_attr = NULL;
	bool ok;
	int r;

	if (!msg)
		return -ENOMEM;
	ok = nla_put_string(msg, IFLA_IFNAME, host) == 0 &&
	     (info = nla_nest_start(msg, IFLA_LINKINFO)) &&
	     nla_put_string(msg, IFLA_INFO_KIND, "veth") == 0 &&
	     (data = nla_nest_start(msg, IFLA_INFO_DATA)) &&
	     (peer_attr = nla_nest_start(msg, VETH_INFO_PEER)) &&
	     /* The peer's attributes follow an ifinfomsg of its own, as in a NEWLINK. */
	     nlmsg_append(msg, &pifm, sizeof(pifm), NLMSG_ALIGNTO) == 0 &&
	     nla_put_string(msg, IFLA_IFNAME, peer) == 0 &&
	     nla_put_u32(msg, IFLA_NET_NS_FD, (uint32_t)netns_fd) == 0 &&
	     nla_nest_end(msg, peer_attr) == 0 && nla_nest_end(msg, data) == 0 &&
	     nla_nest_end(msg, info) == 0;
	r = put_or_free(msg, ok);
	return r < 0 ? r : talk(rt, msg, NULL, NULL);
}

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = nlmsg_data(nlh);

	if (nlh->nlmsg_type == RTM_NEWLINK)
		*(unsigned *)data = (unsigned)ifm->ifi_index;
	return 0;
}

int rtn_link_index(struct rtn *rt, const char *ifname, unsigned *ret)
{
	struct nl_msg *msg = link_msg(RTM_GETLINK, 0, 0);
	unsigned index = 0;
	int r;

	if (!msg)
		return -ENOMEM;
	r = put_or_free(msg, nla_put_string(msg, IFLA_IFNAME, ifname) == 0);
	if (r == 0)
		r = talk(rt, msg, index_cb, &index);
	if (r < 0)
		return r;
	if (index == 0)
		return -ENODEV;
	*ret = index;
	return 0;
}

int rtn_link_up(struct rtn *rt, unsigned ifindex)
{
	struct ifinfomsg ifm = {
	    .ifi_family = AF_UNSPEC,
	    .ifi_index = (int)ifindex,
	    .ifi_flags = IFF_UP,
	    .ifi_change = IFF_UP,
	};
	struct nl_msg *msg = new_msg(RTM_NEWLINK, 0, &ifm, sizeof(ifm));

	return msg ? talk(rt, msg, NULL, NULL) : -ENOMEM;
}

int rtn_link_delete(struct rtn *rt, const char *ifname)
{
	struct nl_msg *msg = link_msg(RTM_DELLINK, 0, 0);
	int r;

	if (!msg)
		return -ENOMEM;
	r = put_or_free(msg, nla_put_string(msg, IFLA_IFNAME, ifname) == 0);
	return r < 0 ? r : talk(rt, msg, NULL, NULL);
}

int rtn_addr_add(struct rtn *rt, unsigned ifindex, struct in_addr addr, unsigned prefix)
{
	struct ifaddrmsg ifa = {
	    .ifa_family = AF_INET,
	    .ifa_prefixlen = (unsigned char)prefix,
	    .ifa_scope = RT_SCOPE_UNIVERSE,
	    .ifa_index = ifindex,
	};
	struct in_addr brd = {addr.s_addr | htonl(prefix >= 31 ? 0 : ~(~0u << (32 - prefix)))};
	struct nl_msg *msg = new_msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
	int r;

	if (!msg)
		return -ENOMEM;
	r = put_or_free(msg, nla_put(msg, IFA_LOCAL, sizeof(addr), &addr) == 0 &&
	                         nla_put(msg, IFA_ADDRESS, sizeof(addr), &addr) == 0 &&
	                         nla_put(msg, IFA_BROADCAST, sizeof(brd), &brd) == 0);
	return r < 0 ? r : talk(rt, msg, NULL, NULL);
}

int rtn_route_add_default(struct rtn *rt, unsigned ifindex, struct in_addr gateway)
{
	struct rtmsg rtm = {
	    .rtm_family = AF_INET,
	    .rtm_table = RT_TABLE_MAIN,
	    .rtm_protocol = RTPROT_STATIC,
	    .rtm_scope = RT_SCOPE_UNIVERSE,
	    .rtm_type = RTN_UNICAST,
	};
	struct nl_msg *msg = new_msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rtm, sizeof(rtm));
	int r;

	if (!msg)
		return -ENOMEM;
	r = put_or_free(msg, nla_put(msg, RTA_GATEWAY, sizeof(gateway), &gateway) == 0 &&
	                         nla_put_u32(msg, RTA_OIF, ifindex) == 0);
	return r < 0 ? r : talk(rt, msg, NULL, NULL);
}

struct prefixes {
	struct net_prefix *v;
	size_t n, cap;
	int err;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = nlmsg_data(nlh);
	struct prefixes *p = data;
	struct net_prefix *grown;
	struct nlattr *a;
	int rem;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET || rtm->rtm_dst_len == 0)
		return 0;
	nla_for_each_attr(a, nlmsg_attrdata(nlh, sizeof(*rtm)), nlmsg_attrlen(nlh, sizeof(*rtm)),
	                  rem)
	{
		if (nla_type(a) != RTA_DST || nla_len(a) != 4)
			continue;
		if (p->n == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 64;
			grown = realloc(p->v, p->cap * sizeof(*grown));
			if (!grown) {
				p->err = -ENOMEM;
				return 0; /* drain the dump; the error is reported after */
			}
			p->v = grown;
		}
		memcpy(&p->v[p->n].addr, nla_data(a), 4);
		p->v[p->n++].len = rtm->rtm_dst_len;
	}
	return 0;
}

int rtn_route_prefixes(struct rtn *rt, struct net_prefix **ret, size_t *ret_n)
{
	struct rtmsg rtm = {.rtm_family = AF_INET};
	struct nl_msg *msg = new_msg(RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm));
	struct prefixes p = {0};
	int r;

	if (!msg)
		return -ENOMEM;
	r = talk(rt, msg, route_cb, &p);
	if (r == 0)
		r = p.err;
	if (r < 0) {
		free(p.v);
		return r;
	}
	*ret = p.v;
	*ret_n = p.n;
	return 0;
}
