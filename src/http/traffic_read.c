/* A connection's traffic counters, from the kernel: Linux's TCP_INFO,
 * Windows 10's SIO_TCP_INFO; elsewhere (and under Wine) none. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "http/connections.h"

#ifdef __linux__
#include <linux/tcp.h> /* glibc's struct tcp_info predates the byte counters */
#include <netinet/in.h>
#include <sys/socket.h>

/* the kernel fills as much of struct tcp_info as it knows */
#define HAS(length, field) \
	((length) >= offsetof(struct tcp_info, field) + sizeof(((struct tcp_info *)0)->field))

int http_traffic_read(int fd, struct traffic *traffic)
{
	struct tcp_info info;
	socklen_t length = sizeof info;

	memset(&info, 0, sizeof info);
	memset(traffic, 0, sizeof *traffic);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) < 0)
		return -errno;
	if (!HAS(length, tcpi_bytes_received)) /* Linux 4.1 */
		return -ENOTSUP;
	traffic->received = info.tcpi_bytes_received;
	traffic->segments_known = HAS(length, tcpi_data_segs_in); /* 4.6 */
	traffic->received_segments = info.tcpi_data_segs_in;
	/* sent once or more, minus the resent, plus what waits to be sent: 4.19 */
	traffic->written_known = HAS(length, tcpi_bytes_retrans);
	traffic->written = info.tcpi_bytes_sent - info.tcpi_bytes_retrans + info.tcpi_notsent_bytes;
	return 0;
}
#elif defined(_WIN32)
/* SIO_TCP_INFO is Windows 10 1703's: this file alone is built for Windows 10
 * (CMakeLists.txt); on older Windows the call fails, and nothing is counted. */
#include <mstcpip.h>

int http_traffic_read(int fd, struct traffic *traffic)
{
	DWORD version = 0, returned = 0;
	TCP_INFO_v0 info;

	memset(traffic, 0, sizeof *traffic);
	/* BytesOut counts what went on the wire, not what waits in the socket:
	 * written stays unknown, and only bytes received are compared. */
	if (WSAIoctl((SOCKET)fd, SIO_TCP_INFO, &version, sizeof version, &info, sizeof info,
		     &returned, NULL, NULL) != 0 ||
	    returned < sizeof info)
		return -ENOTSUP;
	traffic->received = info.BytesIn;
	return 0;
}
#else
int http_traffic_read(int fd, struct traffic *traffic)
{
	(void)fd;
	memset(traffic, 0, sizeof *traffic);
	return -ENOTSUP;
}
#endif
