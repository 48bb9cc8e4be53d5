//! Builds the application from settings: connections, the HTTP app, and the server bound to its
//! port (port 0 in tests). `main.rs` and the test harness both start the service through here.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

mod build;
pub mod contract;

use build::shutdown_signal;
pub use build::{build_state, connect_cache};

use crate::http::errors;
use crate::platform::config::Settings;
use crate::platform::error::ErrorBody;
use crate::platform::telemetry;
use crate::state::AppState;
use crate::{
    cases, catalog, consents, desk, dev, documents, eligibility, health, me, policies, privacy,
};

pub const OPENAPI_PATH: &str = "/api-docs/openapi.json";
pub const DOCS_PATH: &str = "/docs/";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "green-channel",
        description = "英仕健康重疾绿通小程序后端（BFF）。所有错误都以 `{code, message, details}` 返回：`code` 是稳定的机器码，`message` 是给用户看的中文说明。"
    ),
    // Schemas only a path or query parameter names (utoipa registers body schemas itself).
    components(schemas(
        ErrorBody,
        crate::cases::actions::ActionName,
        crate::cases::queue::Assigned,
        crate::cases::queue::Waiting,
        crate::cases::queue::Phase
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "WeChat login, token refresh, logout"),
        (name = "me", description = "The logged-in user"),
        (name = "policies", description = "Binding policies, relatives' invitations"),
        (name = "partner", description = "Insurers pushing policies (API key)"),
        (name = "catalog", description = "Reference data for the application form"),
        (name = "cases", description = "The insured's service applications"),
        (name = "documents", description = "Medical-record photos: upload, read, delete, review"),
        (name = "notifications", description = "The message centre and subscribe-message grants"),
        (name = "wechat", description = "WeChat's message push (signed and encrypted by WeChat)"),
        (name = "staff", description = "The specialists' console API (audience `console`)"),
        (name = "health", description = "Probes and metrics"),
        (name = "dev", description = "Dev-only endpoints (never mounted in production)"),
    )
)]
struct ApiDoc;

/// `Authorization: Bearer <access_token>` from the login or refresh answer.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "partner_key",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Header(
                utoipa::openapi::security::ApiKeyValue::new("X-Api-Key"),
            )),
        );
    }
}

/// The OpenAPI document of every mounted route, as served at `/api-docs/openapi.json`.
pub fn openapi(settings: &Settings) -> utoipa::openapi::OpenApi {
    let (_, mut api) = routes(App::new().into_utoipa_app(), settings).split_for_parts();
    crate::startup::contract::complete(&mut api);
    api
}

fn routes<T>(
    app: utoipa_actix_web::UtoipaApp<T>,
    settings: &Settings,
) -> utoipa_actix_web::UtoipaApp<T>
where
    T: actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Error = actix_web::Error,
            InitError = (),
        >,
{
    let dev_clock = settings.dev_clock_enabled();
    app.openapi(ApiDoc::openapi())
        .service(health::live)
        .service(health::ready)
        .service(health::metrics)
        .service(scope::scope("/api/v1").configure(|api| {
            api.service(me::routes::wechat_login)
                .service(me::routes::refresh)
                .service(me::routes::logout)
                .service(me::routes::me)
                .service(me::routes::bind_phone)
                .service(privacy::routes::delete_account)
                .service(consents::routes::list)
                .service(consents::routes::accept_consent)
                .service(consents::routes::withdraw_consent)
                .service(policies::routes::bind_policies)
                .service(policies::routes::list_policies)
                .service(policies::routes::redeem)
                .service(policies::routes::invite)
                .service(policies::routes::put_policy)
                .service(eligibility::routes::entitlements)
                .service(catalog::routes::services)
                .service(catalog::routes::cities)
                .service(catalog::routes::hospitals)
                .service(catalog::routes::departments)
                .service(catalog::routes::illnesses)
                .service(cases::routes::create_case)
                .service(cases::routes::list_cases)
                .service(cases::routes::get_case)
                .service(cases::routes::submit_case)
                .service(cases::routes::cancel_case)
                .service(cases::request_routes::answer_offer)
                .service(cases::request_routes::request_change)
                .service(cases::request_routes::notify_late)
                .service(cases::request_routes::raise_objection)
                .service(cases::request_routes::get_form)
                .service(cases::request_routes::request_courier);
            documents::routes::mount(api);
            crate::notifications::routes::mount(api);
            crate::notifications::push_routes::mount(api);
            // Before the staff routes: `/staff/cases/{id}/reports` is not an action.
            crate::reports::routes::mount(api);
            desk::routes::mount(api);
            if dev_clock {
                api.service(dev::get_clock).service(dev::set_clock);
            }
        }))
}

pub struct Application {
    port: u16,
    host: String,
    server: Server,
    state: AppState,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("host", &self.host)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Connects to every dependency, applies migrations when configured to, and binds the port;
    /// runs the background jobs in-process when `worker.in_process` says so.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let state = build_state(settings).await?;
        let settings = state.settings.clone();
        let address = format!("{}:{}", settings.server.host, settings.server.port);
        let listener =
            TcpListener::bind(&address).with_context(|| format!("cannot listen on {address}"))?;
        let port = listener.local_addr()?.port();
        if settings.worker.in_process {
            crate::worker::spawn(state.clone());
        }
        crate::platform::watch::spawn_watch(state.outages.clone(), state.probes());
        let server = serve(listener, state.clone())?;
        Ok(Self {
            port,
            host: settings.server.host.clone(),
            server,
            state,
        })
    }

    /// The background jobs on their own (`green-channel worker`): only the probes and
    /// `/metrics` are served on the port; SIGTERM or Ctrl-C finishes the batch in flight and
    /// stops.
    pub async fn run_worker(settings: Settings) -> anyhow::Result<()> {
        let state = build_state(settings).await?;
        let settings = state.settings.clone();
        let address = format!("{}:{}", settings.server.host, settings.server.port);
        let listener =
            TcpListener::bind(&address).with_context(|| format!("cannot listen on {address}"))?;
        let data = web::Data::new(state.clone());
        let probes = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .service(health::live)
                .service(health::ready)
                .service(health::metrics)
                .wrap(from_fn(crate::http::ops_gate::gate))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)?
        .run();
        let handle = probes.handle();
        let probes = tokio::spawn(probes);
        crate::worker::run(state, shutdown_signal()).await;
        handle.stop(true).await;
        let _ = probes.await;
        Ok(())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether real WeChat logins can work (an AppSecret is set); otherwise only `dev:` ones.
    pub fn wechat_configured(&self) -> bool {
        self.state.wechat.configured()
    }

    pub fn base_url(&self) -> String {
        let host = if self.host == "0.0.0.0" {
            "127.0.0.1"
        } else {
            &self.host
        };
        format!("http://{host}:{}", self.port)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the server is stopped; SIGTERM stops it gracefully (in-flight requests
    /// finish, up to `server.shutdown_timeout_secs`).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let settings = state.settings.clone();
    let data = web::Data::new(state);
    let json_limit = settings.server.json_limit_bytes;
    let server_settings = settings.clone();
    let route_table = web::Data::new(errors::RouteTable::new(&openapi(&settings)));
    let mut server = HttpServer::new(move || {
        routes(App::new().into_utoipa_app(), &settings)
            .app_data(data.clone())
            .app_data(route_table.clone())
            .app_data(errors::json_config(json_limit))
            .app_data(errors::payload_config(json_limit))
            .app_data(errors::query_config())
            .app_data(errors::path_config())
            .openapi_service(|mut api| {
                crate::startup::contract::complete(&mut api);
                SwaggerUi::new(format!("{DOCS_PATH}{{_:.*}}")).url(OPENAPI_PATH, api)
            })
            .default_service(web::to(errors::route_not_found))
            .into_app()
            .configure(crate::console::mount)
            .route(
                DOCS_PATH.trim_end_matches('/'),
                web::get().to(|| async {
                    actix_web::HttpResponse::PermanentRedirect()
                        .insert_header((actix_web::http::header::LOCATION, DOCS_PATH))
                        .finish()
                }),
            )
            .wrap(from_fn(crate::http::ops_gate::gate))
            .wrap(from_fn(crate::http::outage_guard::guard))
            .wrap(ErrorHandlers::new().default_handler(errors::envelope_fallback))
            .wrap(from_fn(telemetry::observe))
    })
    .shutdown_timeout(server_settings.server.shutdown_timeout_secs)
    .listen(listener)?;
    if server_settings.server.workers > 0 {
        server = server.workers(server_settings.server.workers);
    }
    Ok(server.run())
}
