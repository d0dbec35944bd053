package js

import (
	"net/http"
	"net/url"
	"sync"
)

// lazyJar is a VU's cookie jar, made when the first cookie arrives. k6
// empties the jar before every iteration, and most iterations receive no
// cookie: creating a jar for each one cost an allocation per iteration and
// a jar per idle VU.
type lazyJar struct {
	newJar func() http.CookieJar

	mu  sync.Mutex // the HTTP module may use the jar from several goroutines
	jar http.CookieJar
}

var _ http.CookieJar = (*lazyJar)(nil)

// Cookies implements http.CookieJar.
func (j *lazyJar) Cookies(u *url.URL) []*http.Cookie {
	j.mu.Lock()
	jar := j.jar
	j.mu.Unlock()
	if jar == nil {
		return nil
	}
	return jar.Cookies(u)
}

// SetCookies implements http.CookieJar.
func (j *lazyJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if len(cookies) == 0 {
		return
	}
	j.mu.Lock()
	if j.jar == nil {
		j.jar = j.newJar()
	}
	jar := j.jar
	j.mu.Unlock()
	jar.SetCookies(u, cookies)
}

// reset empties the jar.
func (j *lazyJar) reset() {
	j.mu.Lock()
	j.jar = nil
	j.mu.Unlock()
}
