/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The route table serving embedded static assets. */
#ifndef RUDDER_HTTP_STATIC_H
#define RUDDER_HTTP_STATIC_H

#include "http.h"

extern const struct route_table http_static_routes;

#endif
