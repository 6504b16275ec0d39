// libcurl, loaded when first used. The executables do not link libcurl: this file defines every libcurl
// function the code calls (CurlTransport, CurlExchange, EtcdHttp), and each one loads libcurl.so.4 with
// dlopen on the first call and forwards to it. Why: linking it makes every process start load libcurl and
// its ~30 dependencies (GnuTLS, OpenSSL's libssl, Kerberos, LDAP, SASL, nghttp2, ...) and run their
// initialisers, a few milliseconds of every fresh `cloudvip acquire`, even when every endpoint is plain HTTP
// (SelectingTransport sends those without libcurl). Callers are unchanged: they include <curl/curl.h> and
// call curl_* as usual. When libcurl cannot be loaded, curl_global_init fails and curl_easy_strerror says
// why (the dlopen error), so CurlTransport's "libcurl failed to initialise" names the cause.
//
// The variadic setters forward their one argument with the type libcurl reads for that option: the option
// number's range says it (CURLOPTTYPE_*), as libcurl's own curl_easy_setopt does.
#define CURL_DISABLE_TYPECHECK  // the type-checking macros would rename the functions defined here
#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <mutex>
#include <string>

namespace {

struct CurlApi {
  bool loaded = false;
  std::string error;  // why it is not loaded
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  CURLM* (*multi_init)();
  CURLMcode (*multi_cleanup)(CURLM*);
  CURLMcode (*multi_add_handle)(CURLM*, CURL*);
  CURLMcode (*multi_remove_handle)(CURLM*, CURL*);
  CURLMcode (*multi_perform)(CURLM*, int*);
  CURLMcode (*multi_poll)(CURLM*, struct curl_waitfd[], unsigned int, int, int*);
  CURLMsg* (*multi_info_read)(CURLM*, int*);
  CURLMcode (*multi_setopt)(CURLM*, CURLMoption, ...);
  const char* (*multi_strerror)(CURLMcode);
  CURLSH* (*share_init)();
  CURLSHcode (*share_cleanup)(CURLSH*);
  CURLSHcode (*share_setopt)(CURLSH*, CURLSHoption, ...);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
};

template <class F>
bool bind(void* library, const char* name, F& slot, std::string& error) {
  slot = reinterpret_cast<F>(::dlsym(library, name));
  if (slot == nullptr && error.empty()) {
    error = std::string("libcurl.so.4 has no ") + name;
  }
  return slot != nullptr;
}

const CurlApi& api() {
  static CurlApi curl;
  static std::once_flag once;
  std::call_once(once, [] {
    void* library = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      const char* why = ::dlerror();
      curl.error =
          std::string("libcurl.so.4 could not be loaded: ") + (why != nullptr ? why : "unknown error");
      return;
    }
    std::string& e = curl.error;
    bool all = bind(library, "curl_global_init", curl.global_init, e) &
               bind(library, "curl_easy_init", curl.easy_init, e) &
               bind(library, "curl_easy_cleanup", curl.easy_cleanup, e) &
               bind(library, "curl_easy_reset", curl.easy_reset, e) &
               bind(library, "curl_easy_perform", curl.easy_perform, e) &
               bind(library, "curl_easy_setopt", curl.easy_setopt, e) &
               bind(library, "curl_easy_getinfo", curl.easy_getinfo, e) &
               bind(library, "curl_easy_strerror", curl.easy_strerror, e) &
               bind(library, "curl_multi_init", curl.multi_init, e) &
               bind(library, "curl_multi_cleanup", curl.multi_cleanup, e) &
               bind(library, "curl_multi_add_handle", curl.multi_add_handle, e) &
               bind(library, "curl_multi_remove_handle", curl.multi_remove_handle, e) &
               bind(library, "curl_multi_perform", curl.multi_perform, e) &
               bind(library, "curl_multi_poll", curl.multi_poll, e) &
               bind(library, "curl_multi_info_read", curl.multi_info_read, e) &
               bind(library, "curl_multi_setopt", curl.multi_setopt, e) &
               bind(library, "curl_multi_strerror", curl.multi_strerror, e) &
               bind(library, "curl_share_init", curl.share_init, e) &
               bind(library, "curl_share_cleanup", curl.share_cleanup, e) &
               bind(library, "curl_share_setopt", curl.share_setopt, e) &
               bind(library, "curl_slist_append", curl.slist_append, e) &
               bind(library, "curl_slist_free_all", curl.slist_free_all, e);
    curl.loaded = all;  // the library stays loaded for the life of the process
  });
  return curl;
}

// Reads the one argument of an easy or multi option as the type libcurl reads it, and passes it on.
template <class Handle, class Option, class Code>
Code forward_option(Code (*setter)(Handle*, Option, ...), Handle* handle, Option option, va_list args) {
  int number = static_cast<int>(option);
  if (number < CURLOPTTYPE_OBJECTPOINT) {
    return setter(handle, option, va_arg(args, long));
  }
  if (number < CURLOPTTYPE_FUNCTIONPOINT) {
    return setter(handle, option, va_arg(args, void*));
  }
  if (number < CURLOPTTYPE_OFF_T) {
    using AnyFunction = void (*)();
    return setter(handle, option, va_arg(args, AnyFunction));
  }
  if (number < CURLOPTTYPE_BLOB) {
    return setter(handle, option, va_arg(args, curl_off_t));
  }
  return setter(handle, option, va_arg(args, void*));
}

}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) {
  return api().loaded ? api().global_init(flags) : CURLE_FAILED_INIT;
}

CURL* curl_easy_init() {
  return api().loaded ? api().easy_init() : nullptr;
}

void curl_easy_cleanup(CURL* easy) {
  if (api().loaded) {
    api().easy_cleanup(easy);
  }
}

void curl_easy_reset(CURL* easy) {
  if (api().loaded) {
    api().easy_reset(easy);
  }
}

CURLcode curl_easy_perform(CURL* easy) {
  return api().loaded ? api().easy_perform(easy) : CURLE_FAILED_INIT;
}

CURLcode curl_easy_setopt(CURL* easy, CURLoption option, ...) {
  if (!api().loaded) {
    return CURLE_FAILED_INIT;
  }
  va_list args;
  va_start(args, option);
  CURLcode code = forward_option(api().easy_setopt, easy, option, args);
  va_end(args);
  return code;
}

CURLcode curl_easy_getinfo(CURL* easy, CURLINFO info, ...) {
  if (!api().loaded) {
    return CURLE_FAILED_INIT;
  }
  va_list args;
  va_start(args, info);
  void* out = va_arg(args, void*);  // every CURLINFO_* takes a pointer to its result
  va_end(args);
  return api().easy_getinfo(easy, info, out);
}

const char* curl_easy_strerror(CURLcode code) {
  return api().loaded ? api().easy_strerror(code) : api().error.c_str();
}

CURLM* curl_multi_init() {
  return api().loaded ? api().multi_init() : nullptr;
}

CURLMcode curl_multi_cleanup(CURLM* multi) {
  return api().loaded ? api().multi_cleanup(multi) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_add_handle(CURLM* multi, CURL* easy) {
  return api().loaded ? api().multi_add_handle(multi, easy) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_remove_handle(CURLM* multi, CURL* easy) {
  return api().loaded ? api().multi_remove_handle(multi, easy) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_perform(CURLM* multi, int* running) {
  return api().loaded ? api().multi_perform(multi, running) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_poll(CURLM* multi, struct curl_waitfd extra[], unsigned int count, int timeout_ms,
                          int* ready) {
  return api().loaded ? api().multi_poll(multi, extra, count, timeout_ms, ready) : CURLM_INTERNAL_ERROR;
}

CURLMsg* curl_multi_info_read(CURLM* multi, int* queued) {
  return api().loaded ? api().multi_info_read(multi, queued) : nullptr;
}

CURLMcode curl_multi_setopt(CURLM* multi, CURLMoption option, ...) {
  if (!api().loaded) {
    return CURLM_INTERNAL_ERROR;
  }
  va_list args;
  va_start(args, option);
  CURLMcode code = forward_option(api().multi_setopt, multi, option, args);
  va_end(args);
  return code;
}

const char* curl_multi_strerror(CURLMcode code) {
  return api().loaded ? api().multi_strerror(code) : api().error.c_str();
}

CURLSH* curl_share_init() {
  return api().loaded ? api().share_init() : nullptr;
}

CURLSHcode curl_share_cleanup(CURLSH* share) {
  return api().loaded ? api().share_cleanup(share) : CURLSHE_NOT_BUILT_IN;
}

CURLSHcode curl_share_setopt(CURLSH* share, CURLSHoption option, ...) {
  if (!api().loaded) {
    return CURLSHE_NOT_BUILT_IN;
  }
  va_list args;
  va_start(args, option);
  CURLSHcode code = CURLSHE_BAD_OPTION;
  switch (option) {
    case CURLSHOPT_SHARE:
    case CURLSHOPT_UNSHARE:
      code = api().share_setopt(share, option, va_arg(args, int));  // a curl_lock_data, promoted
      break;
    case CURLSHOPT_LOCKFUNC:
      code = api().share_setopt(share, option, va_arg(args, curl_lock_function));
      break;
    case CURLSHOPT_UNLOCKFUNC:
      code = api().share_setopt(share, option, va_arg(args, curl_unlock_function));
      break;
    case CURLSHOPT_USERDATA:
      code = api().share_setopt(share, option, va_arg(args, void*));
      break;
    default:
      break;
  }
  va_end(args);
  return code;
}

curl_slist* curl_slist_append(curl_slist* list, const char* item) {
  return api().loaded ? api().slist_append(list, item) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  if (api().loaded) {
    api().slist_free_all(list);
  }
}

}  // extern "C"
