// SPDX-License-Identifier: MIT
/*
 * netlink: see netlink.h. One request at a time, always with NLM_F_ACK, so
 * every request ends with the kernel's own errno. The socket is opened
 * close-on-exec: nothing launch runs (nft, boxinit) inherits it.
 */
#include "netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

/* Large enough for a batch of a route dump; MNL_SOCKET_BUFFER_SIZE is not a constant. */
#define NL_BUF 32768

int nl_open(struct nl *nl)
{
	nl->sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = -errno;

		nl_close(nl);
		return r;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = 0;
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

/* Sends nlh and reads until the kernel's ACK (or DONE for a dump); cb sees data messages. */
static int talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[NL_BUF];
	ssize_t n;
	int r;

	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sk, buf, NL_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		errno = 0;
		r = mnl_cb_run(buf, (size_t)n, nl->seq, nl->portid, cb, data);
		if (r < 0)
			return errno ? -errno : -EIO;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

static struct nlmsghdr *link_msg(char *buf, int type, unsigned flags, unsigned index)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)index;
	return nlh;
}

int nl_veth_create(struct nl *nl, const char *host, const char *peer, int netns_fd)
{
	char buf[1024] = {0};
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *info, *data, *peer_attr;
	struct ifinfomsg *pifm;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* The peer's attributes follow an ifinfomsg of its own, as in a NEWLINK. */
	peer_attr = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	mnl_attr_nest_end(nlh, peer_attr);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return talk(nl, nlh, NULL, NULL);
}

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWLINK)
		*(unsigned *)data = (unsigned)ifm->ifi_index;
	return MNL_CB_OK;
}

int nl_link_index(struct nl *nl, const char *ifname, unsigned *ret)
{
	char buf[256] = {0};
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, 0);
	unsigned index = 0;
	int r;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	r = talk(nl, nlh, index_cb, &index);
	if (r < 0)
		return r;
	if (index == 0)
		return -ENODEV;
	*ret = index;
	return 0;
}

int nl_link_up(struct nl *nl, unsigned ifindex)
{
	char buf[256] = {0};
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return talk(nl, nlh, NULL, NULL);
}

int nl_link_delete(struct nl *nl, const char *ifname)
{
	char buf[256] = {0};
	struct nlmsghdr *nlh = link_msg(buf, RTM_DELLINK, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	return talk(nl, nlh, NULL, NULL);
}

int nl_addr_add(struct nl *nl, unsigned ifindex, struct in_addr addr, unsigned prefix)
{
	char buf[256] = {0};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	struct in_addr brd = {addr.s_addr | htonl(prefix >= 31 ? 0 : ~(~0u << (32 - prefix)))};

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(addr), &addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(addr), &addr);
	mnl_attr_put(nlh, IFA_BROADCAST, sizeof(brd), &brd);
	return talk(nl, nlh, NULL, NULL);
}

int nl_route_add_default(struct nl *nl, unsigned ifindex, struct in_addr gateway)
{
	char buf[256] = {0};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gateway), &gateway);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	return talk(nl, nlh, NULL, NULL);
}

struct prefixes {
	struct nl_prefix *v;
	size_t n, cap;
	int err;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct prefixes *p = data;
	struct nlattr *a;
	struct nl_prefix *grown;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET || rtm->rtm_dst_len == 0)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*rtm))
	{
		if (mnl_attr_get_type(a) != RTA_DST || mnl_attr_get_payload_len(a) != 4)
			continue;
		if (p->n == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 64;
			grown = realloc(p->v, p->cap * sizeof(*grown));
			if (!grown) {
				p->err = -ENOMEM;
				return MNL_CB_OK; /* drain the dump; the error is reported after */
			}
			p->v = grown;
		}
		memcpy(&p->v[p->n].addr, mnl_attr_get_payload(a), 4);
		p->v[p->n++].len = rtm->rtm_dst_len;
	}
	return MNL_CB_OK;
}

int nl_route_prefixes(struct nl *nl, struct nl_prefix **ret, size_t *ret_n)
{
	char buf[256] = {0};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct prefixes p = {0};
	struct rtmsg *rtm;
	int r;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	r = talk(nl, nlh, route_cb, &p);
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
