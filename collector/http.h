/* http.h - the collector's HTTP transport as serve.c sees it: the
 * libmicrohttpd callbacks of http.c and the setup of the shared fixed
 * responses.  The server state they run on is srv.h's; what lies behind
 * the callbacks (routes, handlers, responses) is mapped in http_int.h.
 */
#ifndef SND_HTTP_H
#define SND_HTTP_H

#include "srv.h"

#include <microhttpd.h>
#include <stddef.h>

/* Builds the shared fixed responses (http_resp.c).  0 on success; on
 * failure http_fini undoes what was built. */
int http_init(struct srv *s);
/* Frees what http_init built; call after MHD_stop_daemon (no handler may
 * run any more).  The caches and read connections are serve.c's to free. */
void http_fini(struct srv *s);

enum MHD_Result http_handler(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version,
                             const char *upload_data, size_t *upload_data_size,
                             void **con_cls);
void *http_uri_log(void *cls, const char *uri, struct MHD_Connection *c);
void http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe);

#endif
