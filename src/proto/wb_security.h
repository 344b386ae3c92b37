/*  wb_security: CURVE key files for the three programs.

    A certificate is a pair of files as CZMQ writes them (zcert): NAME holds
    the public key and may be shared; NAME_secret holds both keys and stays
    with its owner. wbserver reads its own secret certificate and a folder
    of client public certificates (the authorised keys); wbctl and
    wbconsole read their own secret certificate and the server's public
    one. Each loader checks what it reads and says what is wrong in one
    sentence that names the file. A client certificate may carry the
    metadata "agent-id = AGENT": the server then lets that key log in as
    AGENT only (doc/PROTOCOL.md, "Security").
*/
#ifndef WB_SECURITY_H_INCLUDED
#define WB_SECURITY_H_INCLUDED

#include <czmq.h>
#include <stdbool.h>

/* The certificate metadata that binds a key to one agent; the server's
   ZAP handler (zauth) passes it on as a property of every message. */
#define WB_SECURITY_AGENT_ID "agent-id"
/* The message property in which libzmq gives the ZAP handler's user id:
   zauth names a CURVE client by its public key (Z85). */
#define WB_SECURITY_USER_ID "User-Id"
/* A CURVE key as Z85 text: 40 characters. */
#define WB_SECURITY_KEY_TEXT 40

/* True if CURVE applies to the endpoint: every transport (tcp://, ws://,
   wss://, ipc://@abstract, ...) but ipc:// socket files and inproc://,
   which stay plain, protected by the operating system. */
bool wb_security_endpoint_is_network (const char *endpoint);

/* Load a certificate with its secret key (a program's own): path as
   given, or path_secret when path is the public half. NULL with a
   sentence naming the file in error. */
zcert_t *wb_security_load_secret (const char *path, char *error, size_t error_size);

/* Read the public key of a certificate (either half) as Z85 text into
   key (at least WB_SECURITY_KEY_TEXT + 1 bytes). Return 0, or -1 with a
   sentence naming the file in error. */
int wb_security_load_public (const char *path, char *key, char *error, size_t error_size);

/* Check a folder of authorised client certificates; return how many
   public certificates it holds (0 is allowed), or -1 with a sentence in
   error if it is not a readable folder. */
int wb_security_count_keys (const char *folder, char *error, size_t error_size);

/* True if a public certificate in folder holds key (Z85 text): whether a
   client's key is (still) authorised. */
bool wb_security_key_authorised (const char *folder, const char *key);

/* Write a new certificate pair folder/name and folder/name_secret,
   bound to agent_id when it is not NULL. Never overwrites. Return 0, or
   -1 with a sentence in error. */
int wb_security_keygen (const char *folder, const char *name, const char *agent_id,
                        char *error, size_t error_size);

#endif
