use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_binding")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub policy_id: i64,
    pub relation: BindingRelation,
    pub created_at: DateTimeUtc,
}

/// Who the user is to the policy's insured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum BindingRelation {
    /// The insured person themself.
    Insured,
    /// A relative the insured invited.
    Relative,
}

impl BindingRelation {
    /// The stored word (the same as `ActiveEnum::to_value`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Insured => "insured",
            Self::Relative => "relative",
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
