//! The client's address. `X-Forwarded-For` is believed only when the direct peer is one of the
//! configured load balancers (`APP_SERVER__TRUSTED_PROXIES`): anyone else could write anything
//! there and dodge per-address limits.

use std::net::IpAddr;

use actix_web::HttpRequest;

pub fn client_ip(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    // The right-most address that is not one of our proxies is the one our edge saw.
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    forwarded
        .split(',')
        .rev()
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .find(|ip| !trusted_proxies.contains(ip))
        .or(Some(peer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let lb: IpAddr = "10.0.0.5".parse().expect("ip");
        let direct = TestRequest::default()
            .peer_addr("203.0.113.9:5000".parse().expect("addr"))
            .insert_header(("x-forwarded-for", "1.2.3.4"))
            .to_http_request();
        assert_eq!(client_ip(&direct, &[lb]), "203.0.113.9".parse().ok());

        let proxied = TestRequest::default()
            .peer_addr("10.0.0.5:5000".parse().expect("addr"))
            .insert_header(("x-forwarded-for", "9.9.9.9, 198.51.100.7, 10.0.0.5"))
            .to_http_request();
        assert_eq!(client_ip(&proxied, &[lb]), "198.51.100.7".parse().ok());
    }
}
