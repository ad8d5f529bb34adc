/* Baseline for the capacity benchmark (infra/scripts/capacity-per-core.sh): the cheapest possible receiver of the
 * same RTP load. Binds UDP ports [first, first+count) on 127.0.0.1, waits with epoll and drains each ready socket
 * with recvmmsg, counting packets and bytes; nothing else. Exits after `seconds` (or on SIGINT/SIGTERM) and prints
 *   packets <n> bytes <n>
 * Build: cc -O2 -o udp-sink udp-sink.c      usage: udp-sink <first-port> <count> <seconds> */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAXPKT 2048

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s <first-port> <count> <seconds>\n", argv[0]);
        return 2;
    }
    int first = atoi(argv[1]), count = atoi(argv[2]);
    double seconds = atof(argv[3]);
    if (first < 1024 || count < 1 || count > 20000 || first + count > 65536 || seconds <= 0 || seconds > 3600) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    int ep = epoll_create1(0);
    if (ep < 0) { perror("epoll_create1"); return 1; }
    for (int i = 0; i < count; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (fd < 0) { perror("socket"); return 1; }
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)(first + i)) };
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
        struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) { perror("epoll_ctl"); return 1; }
    }
    static char bufs[BATCH][MAXPKT];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = bufs[i];
        iov[i].iov_len = MAXPKT;
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    unsigned long long packets = 0, bytes = 0;
    double end = now() + seconds;
    struct epoll_event events[256];
    printf("ready\n");
    fflush(stdout);
    while (!stop && now() < end) {
        int n = epoll_wait(ep, events, 256, 200);
        if (n < 0 && errno != EINTR) { perror("epoll_wait"); return 1; }
        for (int e = 0; e < n; e++) {
            for (;;) {
                int got = recvmmsg(events[e].data.fd, msgs, BATCH, MSG_DONTWAIT, NULL);
                if (got <= 0) break;
                packets += (unsigned long long)got;
                for (int k = 0; k < got; k++) bytes += msgs[k].msg_len;
                if (got < BATCH) break;
            }
        }
    }
    printf("packets %llu bytes %llu\n", packets, bytes);
    return 0;
}
