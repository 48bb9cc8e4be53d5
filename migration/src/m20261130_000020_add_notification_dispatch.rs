//! Sending notifications as WeChat subscribe messages.
//!
//! - `notification` gains what the dispatcher needs: the lease a worker holds while it sends a row
//!   (a killed worker's rows are claimed again once it lapses), the template it went out with,
//!   WeChat's `msgid` (a 64-bit integer) and when, the delivery result WeChat pushes later, and a
//!   unique key that makes each reminder exist once however many workers create it.
//! - `subscribe_grant`: one row per one-shot grant (`accept` in `wx.requestSubscribeMessage`, or a
//!   `subscribe_msg_popup_event`); a send uses one, a 43101 or the user turning the template off
//!   voids the rest.
//! - `wechat_push_event`: WeChat retries a push three times; its key makes the second one a no-op.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Notification as N;
        // One column per statement: SQLite adds columns one at a time.
        for column in [
            ts_null(N::LeaseUntil),
            text_null(N::TemplateId, 128),
            big_null(N::Msgid),
            ts_null(N::SentAt),
            text_null(N::Delivery, 64),
            text_null(N::DedupeKey, 160),
        ] {
            manager
                .alter_table(Table::alter().table(N::Table).add_column(column).to_owned())
                .await?;
        }
        manager
            .create_index(
                index("ux_notification_dedupe", N::Table, &[N::DedupeKey])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("ix_notification_msgid", N::Table, &[N::Msgid]))
            .await?;

        use SubscribeGrant as G;
        manager
            .create_table(
                Table::create()
                    .table(G::Table)
                    .col(id(G::Id))
                    .col(big(G::UserId))
                    .col(text(G::TemplateId, 128))
                    .col(text(G::Source, 16))
                    .col(ts(G::GrantedAt))
                    .col(ts_null(G::ConfirmedAt))
                    .col(ts_null(G::UsedAt))
                    .col(big_null(G::NotificationId))
                    .col(ts_null(G::VoidAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_subscribe_grant_open",
                G::Table,
                &[G::UserId, G::TemplateId, G::UsedAt],
            ))
            .await?;

        use WechatPushEvent as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(id(P::Id))
                    .col(text(P::DedupeKey, 255))
                    .col(text(P::Event, 64))
                    .col(ts(P::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("ux_wechat_push_event_key", P::Table, &[P::DedupeKey])
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WechatPushEvent::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SubscribeGrant::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_notification_msgid")
                    .table(Notification::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_notification_dedupe")
                    .table(Notification::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Notification::DedupeKey,
            Notification::Delivery,
            Notification::SentAt,
            Notification::Msgid,
            Notification::TemplateId,
            Notification::LeaseUntil,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Notification::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Notification {
    Table,
    LeaseUntil,
    TemplateId,
    Msgid,
    SentAt,
    Delivery,
    DedupeKey,
}

#[derive(DeriveIden, Clone, Copy)]
enum SubscribeGrant {
    Table,
    Id,
    UserId,
    TemplateId,
    Source,
    GrantedAt,
    ConfirmedAt,
    UsedAt,
    NotificationId,
    VoidAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WechatPushEvent {
    Table,
    Id,
    DedupeKey,
    Event,
    CreatedAt,
}
